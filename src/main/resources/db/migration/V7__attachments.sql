-- Attachments: responses downloaded with downloadAsAttachment, served at
-- /v2/workspaces/{ws}/attachments/{id} until they expire. Written in SQL that both H2
-- (MODE=PostgreSQL) and PostgreSQL accept.
--
-- size is NULL while the bytes are being written: readers see an attachment once it is complete,
-- and one a crashed process left half-written goes with the others when it expires. run_id has no
-- foreign key: runs belong to flows, which keep their own tables.
CREATE TABLE attachments (
  id            VARCHAR(24) PRIMARY KEY,
  workspace_id  VARCHAR(24) NOT NULL REFERENCES workspaces (id),
  run_id        VARCHAR(64),
  content_type  VARCHAR(255) NOT NULL,
  size          BIGINT,
  created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX attachments_expiry ON attachments (expires_at);
CREATE INDEX attachments_run ON attachments (run_id);

-- The bytes on PostgreSQL, in chunks of 1 MiB: written and read a chunk at a time, so neither side
-- holds a whole attachment in memory, and deleted with their attachment. With H2 (one process) the
-- bytes are files in the data directory and this table stays empty.
CREATE TABLE attachment_chunks (
  attachment_id  VARCHAR(24) NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
  seq            INTEGER NOT NULL,
  data           BYTEA NOT NULL,
  PRIMARY KEY (attachment_id, seq)
);
