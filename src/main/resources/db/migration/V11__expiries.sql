-- What expires ahead of a credential's access token: its refresh token (from the token response's
-- refresh_token_expires_in, else the auth-client's refresh_token_lifetime) and its auth-client's
-- client secret (client_secret_expires_at; a row is written when the sweep first warns about it).
-- warned_at records the credential.expiring_soon event of this expiry: a new expires_at clears it.

CREATE TABLE credential_expiries (
  credential_id  VARCHAR(24) NOT NULL REFERENCES credentials (id) ON DELETE CASCADE,
  kind           VARCHAR(16) NOT NULL,
  expires_at     TIMESTAMP WITH TIME ZONE NOT NULL,
  warned_at      TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY (credential_id, kind)
);
CREATE INDEX credential_expiries_due ON credential_expiries (warned_at, expires_at);
