-- The audit log is append-only in the database itself, not only in code: UPDATE, DELETE and TRUNCATE raise.
CREATE FUNCTION "switchboard"."audit_log_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_log_no_update_delete" BEFORE UPDATE OR DELETE ON "switchboard"."audit_log"
  FOR EACH ROW EXECUTE FUNCTION "switchboard"."audit_log_refuse_change"();
--> statement-breakpoint
CREATE TRIGGER "audit_log_no_truncate" BEFORE TRUNCATE ON "switchboard"."audit_log"
  FOR EACH STATEMENT EXECUTE FUNCTION "switchboard"."audit_log_refuse_change"();
--> statement-breakpoint
-- Trigram search (search issue) needs pg_trgm; PGlite loads it through the shared factory in server/db/client.ts.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
