-- A flow's draft: the trigger and steps being designed, kept apart from its versions until it is
-- published as the next one, so that a draft never changes what runs. One per flow; it goes with
-- the flow.
CREATE TABLE flow_drafts (
  flow_id       VARCHAR(24) PRIMARY KEY REFERENCES flows (id) ON DELETE CASCADE,
  -- the version the draft was started from, to say when the flow moved on meanwhile
  base_version  INT NOT NULL,
  definition    TEXT NOT NULL,
  saved_at      TIMESTAMP WITH TIME ZONE NOT NULL,
  saved_by      VARCHAR(24) NOT NULL
);
