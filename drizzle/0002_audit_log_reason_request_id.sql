ALTER TABLE "switchboard"."audit_log" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "switchboard"."audit_log" ADD COLUMN "request_id" text;--> statement-breakpoint
CREATE INDEX "audit_log_actor_id_idx" ON "switchboard"."audit_log" USING btree ("actor_id","created_at");--> statement-breakpoint
CREATE INDEX "audit_log_target_idx" ON "switchboard"."audit_log" USING btree ("target_type","target_id","created_at");--> statement-breakpoint
CREATE INDEX "audit_log_action_idx" ON "switchboard"."audit_log" USING btree ("action","created_at");