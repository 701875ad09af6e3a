CREATE TABLE "switchboard"."signup_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"created_by" uuid,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "switchboard"."signup_links" ADD CONSTRAINT "signup_links_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "switchboard"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "switchboard"."signup_links" ADD CONSTRAINT "signup_links_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "switchboard"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "signup_links_token_hash_idx" ON "switchboard"."signup_links" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "signup_links_user_id_idx" ON "switchboard"."signup_links" USING btree ("user_id");