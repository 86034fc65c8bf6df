ALTER TABLE "meetings" ADD COLUMN "agenda_published_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "agenda_changed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "minutes_published_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "minutes_changed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "summary_published_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "summary_changed_at" timestamp with time zone;--> statement-breakpoint
-- Meetings stored before parts were stamped: their record or page was published when it was first stored.
UPDATE "meetings" SET "summary_published_at" = "created_at", "summary_changed_at" = "updated_at" WHERE "content_hash" <> '';
