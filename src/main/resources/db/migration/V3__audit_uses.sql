-- Requests Credflow sends with a credential are audited per caller and minute: one record counts
-- the uses of that minute. A release through …/access is one use.
ALTER TABLE audit_records ADD COLUMN uses BIGINT NOT NULL DEFAULT 1;
