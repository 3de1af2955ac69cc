-- The audit trail: every release of a secret, every change of access (auth-clients, credentials,
-- users, memberships, API keys) and every sign-in, in the one table that held releases so far.
-- Who (actor_type + actor_id, the user and email behind it), what (action on subject_type +
-- subject_id), where in the tree (tenant, contract, workspace), from where (client_address) and why
-- (reason), with detail as a JSON object of a few words (ids, outcomes; never a secret).
-- Written in SQL that both H2 (MODE=PostgreSQL) and PostgreSQL accept. Rows are only ever inserted;
-- the retention sweep deletes old ones (on PostgreSQL a trigger refuses anything else, see
-- db/postgresql).

ALTER TABLE audit_records ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE audit_records ALTER COLUMN workspace_id DROP NOT NULL;
ALTER TABLE audit_records ALTER COLUMN credential_id DROP NOT NULL;
ALTER TABLE audit_records ALTER COLUMN reason DROP NOT NULL;

ALTER TABLE audit_records ADD COLUMN actor_type VARCHAR(16) NOT NULL DEFAULT 'user';
ALTER TABLE audit_records ADD COLUMN actor_id VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE audit_records ADD COLUMN actor_email VARCHAR(320);
ALTER TABLE audit_records ADD COLUMN subject_type VARCHAR(32) NOT NULL DEFAULT 'credential';
ALTER TABLE audit_records ADD COLUMN subject_id VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE audit_records ADD COLUMN tenant_id VARCHAR(24);
ALTER TABLE audit_records ADD COLUMN contract_id VARCHAR(24);
ALTER TABLE audit_records ADD COLUMN client_address VARCHAR(64);
ALTER TABLE audit_records ADD COLUMN detail VARCHAR(4000) NOT NULL DEFAULT '{}';

-- Records written before: releases by a user, of a credential, in a workspace.
UPDATE audit_records SET actor_id = user_id, subject_id = credential_id;
UPDATE audit_records SET
  tenant_id = (SELECT w.tenant_id FROM workspaces w WHERE w.id = audit_records.workspace_id),
  contract_id = (SELECT w.contract_id FROM workspaces w WHERE w.id = audit_records.workspace_id);
UPDATE audit_records SET actor_email =
  (SELECT u.email FROM users u WHERE u.id = audit_records.user_id);

-- Newest first, by reader scope and filter; and by time for the retention sweep.
CREATE INDEX audit_records_tenant ON audit_records (tenant_id, seq);
CREATE INDEX audit_records_workspace ON audit_records (workspace_id, seq);
CREATE INDEX audit_records_actor ON audit_records (actor_id, seq);
CREATE INDEX audit_records_user ON audit_records (user_id, seq);
CREATE INDEX audit_records_subject ON audit_records (subject_id, seq);
CREATE INDEX audit_records_at ON audit_records (at);
