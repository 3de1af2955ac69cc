-- The id of the request that started a run (X-Request-Id), so its steps' log lines name it.
ALTER TABLE flow_runs ADD COLUMN request_id VARCHAR(128);
