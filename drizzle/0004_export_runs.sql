CREATE TABLE "switchboard"."export_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"actor_id" uuid NOT NULL,
	"scope" text NOT NULL,
	"target_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"format" text NOT NULL,
	"parameters" jsonb NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"messages_total" integer NOT NULL,
	"messages_written" integer DEFAULT 0 NOT NULL,
	"files_total" integer DEFAULT 0 NOT NULL,
	"files_written" integer DEFAULT 0 NOT NULL,
	"bytes_written" bigint DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "switchboard"."export_runs" ADD CONSTRAINT "export_runs_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "switchboard"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "export_runs_started_at_idx" ON "switchboard"."export_runs" USING btree ("started_at","id");