ALTER TABLE "documents" ADD COLUMN "section_id" bigint;--> statement-breakpoint
ALTER TABLE "sections" ADD COLUMN "number" text;--> statement-breakpoint
ALTER TABLE "sections" ADD COLUMN "agenda" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "harvests" ADD COLUMN "items" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "harvests" ADD COLUMN "warnings" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "harvests" ADD COLUMN "warning_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "health_note" text;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "timeout_seconds" integer;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "robots" jsonb;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "robots_permission" text;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "robots_permission_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "last_check" jsonb;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_section_id_sections_id_fk" FOREIGN KEY ("section_id") REFERENCES "public"."sections"("id") ON DELETE set null ON UPDATE no action;