-- PostgreSQL only: the audit trail is append-only in the database too, whatever connects to it.
-- No UPDATE of a record, ever. DELETE only of records older than a day: the retention sweep deletes
-- records older than the retention, which is at least a day (0 keeps them forever), so a delete of
-- anything younger is never the sweep. TRUNCATE (no row triggers) stays with the table's owner.
CREATE FUNCTION audit_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'audit records are append-only: UPDATE of audit_records is refused'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.at > now() - INTERVAL '1 day' THEN
    RAISE EXCEPTION 'audit records are append-only: only records older than a day are deleted (by the retention sweep); record % is from %', OLD.seq, OLD.at
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN OLD;
END
$$;

CREATE TRIGGER audit_records_append_only
  BEFORE UPDATE OR DELETE ON audit_records
  FOR EACH ROW EXECUTE FUNCTION audit_records_append_only();
