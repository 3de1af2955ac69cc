-- Verifying credentials: a credential's own verify request (the reader of a request spec, as JSON;
-- an auth-client keeps its one in its settings), and how the last check went.

ALTER TABLE credentials ADD COLUMN verify_request TEXT;
ALTER TABLE credentials ADD COLUMN verified_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE credentials ADD COLUMN verification TEXT;
