ALTER TABLE "switchboard"."files" ADD COLUMN "upload_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "switchboard"."files" ADD COLUMN "completed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "switchboard"."files" ADD COLUMN "scanned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "switchboard"."files" ADD COLUMN "virus_scanned" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "switchboard"."files" ADD COLUMN "blocked_reason" text;--> statement-breakpoint
ALTER TABLE "switchboard"."files" ADD COLUMN "scan_detail" text;--> statement-breakpoint
ALTER TABLE "switchboard"."files" ADD COLUMN "thumbnail_key" text;--> statement-breakpoint
CREATE INDEX "files_blocked_idx" ON "switchboard"."files" USING btree ("created_at","id") WHERE "switchboard"."files"."status" = 'blocked';--> statement-breakpoint
CREATE INDEX "files_upload_window_idx" ON "switchboard"."files" USING btree ("upload_expires_at") WHERE "switchboard"."files"."upload_expires_at" IS NOT NULL;