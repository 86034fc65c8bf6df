ALTER TABLE "digest_runs" ADD COLUMN "feed_cursor" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "feed_recipients" ADD COLUMN "hard_bounces" smallint DEFAULT 0 NOT NULL;