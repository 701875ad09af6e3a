-- Analytics (issue 10): materialized views in a schema of their own. Supabase's Data API exposes only `public`
-- and no route selects from here except the admin layer's analytics domain, so none of it is reachable
-- directly. Definitions of every metric: docs/analytics.md. Each view has a unique index because
-- REFRESH MATERIALIZED VIEW CONCURRENTLY (server/domain/analytics/refresh.ts) requires one.
CREATE SCHEMA IF NOT EXISTS "analytics";
--> statement-breakpoint
-- A materialized view takes no parameters: the refresh writes FIRST_RESPONSE_GAP_HOURS into this one row
-- first, and the thread view reads it, so a changed setting applies from the next refresh on.
CREATE TABLE "analytics"."settings" (
	"id" boolean PRIMARY KEY DEFAULT true CHECK ("id"),
	"first_response_gap_hours" double precision NOT NULL DEFAULT 4
);
--> statement-breakpoint
INSERT INTO "analytics"."settings" DEFAULT VALUES;
--> statement-breakpoint
CREATE TABLE "analytics"."refreshes" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
	"trigger" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"duration_ms" integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX "refreshes_finished_at_idx" ON "analytics"."refreshes" USING btree ("finished_at");
--> statement-breakpoint
-- The messages every metric counts: not deleted, not system notices. `bot` marks messages an integration
-- posted (metadata {"bot": true}); `sender_role` is the sender's project role now (null: not a member).
CREATE VIEW "analytics"."message_facts" AS
SELECT m.id AS message_id, m.conversation_id, c.project_id, c.kind, m.sender_id, m.seq, m.created_at,
	(m.created_at AT TIME ZONE 'UTC')::date AS day,
	pm.role AS sender_role,
	(m.metadata @> '{"bot": true}'::jsonb) AS bot
FROM "switchboard"."messages" m
JOIN "switchboard"."conversations" c ON c.id = m.conversation_id
LEFT JOIN "switchboard"."project_members" pm ON pm.project_id = c.project_id AND pm.user_id = m.sender_id
WHERE m.deleted_at IS NULL AND m.type <> 'system';
--> statement-breakpoint
CREATE MATERIALIZED VIEW "analytics"."messages_daily" AS
SELECT project_id, kind, day, count(*)::int AS messages
FROM "analytics"."message_facts"
GROUP BY project_id, kind, day;
--> statement-breakpoint
CREATE UNIQUE INDEX "messages_daily_project_id_kind_day_idx" ON "analytics"."messages_daily" USING btree ("project_id", "kind", "day");
--> statement-breakpoint
CREATE INDEX "messages_daily_day_idx" ON "analytics"."messages_daily" USING btree ("day");
--> statement-breakpoint
-- Per conversation and day: active conversations, busiest conversations and the drill-down sum these rows.
CREATE MATERIALIZED VIEW "analytics"."conversation_daily" AS
SELECT conversation_id, project_id, kind, day, count(*)::int AS messages
FROM "analytics"."message_facts"
GROUP BY conversation_id, project_id, kind, day;
--> statement-breakpoint
CREATE UNIQUE INDEX "conversation_daily_conversation_id_day_idx" ON "analytics"."conversation_daily" USING btree ("conversation_id", "day");
--> statement-breakpoint
CREATE INDEX "conversation_daily_day_project_id_idx" ON "analytics"."conversation_daily" USING btree ("day", "project_id");
--> statement-breakpoint
-- Per sender and day (bots left out): active users over a range are distinct users, which per-day counts
-- cannot give, so the grain is the user.
CREATE MATERIALIZED VIEW "analytics"."user_daily" AS
SELECT project_id, kind, sender_id AS user_id, day, count(*)::int AS messages
FROM "analytics"."message_facts"
WHERE NOT bot
GROUP BY project_id, kind, sender_id, day;
--> statement-breakpoint
CREATE UNIQUE INDEX "user_daily_project_id_kind_user_id_day_idx" ON "analytics"."user_daily" USING btree ("project_id", "kind", "user_id", "day");
--> statement-breakpoint
CREATE INDEX "user_daily_day_idx" ON "analytics"."user_daily" USING btree ("day");
--> statement-breakpoint
-- Participants now, so the drill-down reads no live table for its counts.
CREATE MATERIALIZED VIEW "analytics"."conversation_facts" AS
SELECT c.id AS conversation_id, c.project_id, c.kind,
	(SELECT count(*)::int FROM "switchboard"."conversation_members" cm WHERE cm.conversation_id = c.id AND cm.left_at IS NULL) AS participants
FROM "switchboard"."conversations" c;
--> statement-breakpoint
CREATE UNIQUE INDEX "conversation_facts_conversation_id_idx" ON "analytics"."conversation_facts" USING btree ("conversation_id");
--> statement-breakpoint
-- Client-initiated threads and their first response (docs/analytics.md). Over a conversation's human messages
-- by project members, in order: `run` counts the staff/owner messages so far, so the client messages between
-- two staff messages share a run. A thread starts at the first client message of a run that comes after a
-- quiet period of the gap (or is the conversation's first message); the staff message that ends the run
-- (run + 1) is its first response. A client message right after a reply (within the gap) continues the
-- exchange; while a thread waits for its reply, later client messages belong to it.
CREATE MATERIALIZED VIEW "analytics"."client_threads" AS
WITH relevant AS (
	SELECT f.message_id, f.conversation_id, f.project_id, f.kind, f.created_at, f.seq, f.sender_role = 'client' AS from_client
	FROM "analytics"."message_facts" f
	WHERE NOT f.bot AND f.sender_role IS NOT NULL
), ordered AS (
	SELECT r.*,
		lag(r.created_at) OVER w AS previous_at,
		count(*) FILTER (WHERE NOT r.from_client) OVER w AS run
	FROM relevant r
	WINDOW w AS (PARTITION BY r.conversation_id ORDER BY r.created_at, r.seq)
), starts AS (
	SELECT o.*, row_number() OVER (PARTITION BY o.conversation_id, o.run ORDER BY o.created_at, o.seq) AS nth
	FROM ordered o CROSS JOIN "analytics"."settings" s
	WHERE o.from_client AND (o.previous_at IS NULL OR o.created_at - o.previous_at >= s.first_response_gap_hours * interval '1 hour')
), replies AS (
	SELECT conversation_id, run, min(created_at) AS replied_at
	FROM ordered
	WHERE NOT from_client
	GROUP BY conversation_id, run
)
SELECT st.message_id AS thread_id, st.conversation_id, st.project_id, st.kind, st.created_at AS started_at,
	(st.created_at AT TIME ZONE 'UTC')::date AS day,
	rp.replied_at AS responded_at,
	extract(epoch FROM rp.replied_at - st.created_at)::double precision AS response_seconds
FROM starts st
LEFT JOIN replies rp ON rp.conversation_id = st.conversation_id AND rp.run = st.run + 1
WHERE st.nth = 1;
--> statement-breakpoint
CREATE UNIQUE INDEX "client_threads_thread_id_idx" ON "analytics"."client_threads" USING btree ("thread_id");
--> statement-breakpoint
CREATE INDEX "client_threads_day_project_id_idx" ON "analytics"."client_threads" USING btree ("day", "project_id");
--> statement-breakpoint
-- Unanswered threads are looked up by age, whatever the day range.
CREATE INDEX "client_threads_unanswered_idx" ON "analytics"."client_threads" USING btree ("started_at") WHERE "responded_at" IS NULL;
