CREATE TABLE "delivery_meetings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"audience" text NOT NULL,
	"recipient_id" bigint NOT NULL,
	"delivery_id" bigint NOT NULL,
	"meeting_id" bigint NOT NULL,
	"form" text NOT NULL,
	"changed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "delivery_meetings" ADD CONSTRAINT "delivery_meetings_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "delivery_meetings_recipient_idx" ON "delivery_meetings" USING btree ("audience","recipient_id","meeting_id");