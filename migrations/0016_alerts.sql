CREATE TABLE "alert_committees" (
	"subscriber_id" bigint NOT NULL,
	"committee_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_committees_subscriber_id_committee_id_pk" PRIMARY KEY("subscriber_id","committee_id")
);
--> statement-breakpoint
CREATE TABLE "alert_mails" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"subscriber_id" bigint,
	"day" date NOT NULL,
	"status" text DEFAULT 'claimed' NOT NULL,
	"message_id" text NOT NULL,
	"attempts" smallint DEFAULT 1 NOT NULL,
	"meetings" smallint DEFAULT 0 NOT NULL,
	"subject" text,
	"error" text,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"subscriber_id" bigint,
	"meeting_id" bigint NOT NULL,
	"reason" text NOT NULL,
	"section_ids" bigint[] DEFAULT '{}'::bigint[] NOT NULL,
	"followed" text[] DEFAULT '{}'::text[] NOT NULL,
	"mail_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sections" ADD COLUMN "public_speaking" boolean;--> statement-breakpoint
ALTER TABLE "alert_committees" ADD CONSTRAINT "alert_committees_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_committees" ADD CONSTRAINT "alert_committees_committee_id_committees_id_fk" FOREIGN KEY ("committee_id") REFERENCES "public"."committees"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_mails" ADD CONSTRAINT "alert_mails_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_mail_id_alert_mails_id_fk" FOREIGN KEY ("mail_id") REFERENCES "public"."alert_mails"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_committees_committee_idx" ON "alert_committees" USING btree ("committee_id");--> statement-breakpoint
CREATE UNIQUE INDEX "alert_mails_subscriber_day_key" ON "alert_mails" USING btree ("subscriber_id","day");--> statement-breakpoint
CREATE INDEX "alert_mails_status_idx" ON "alert_mails" USING btree ("status","day");--> statement-breakpoint
CREATE INDEX "alert_mails_sent_at_idx" ON "alert_mails" USING btree ("sent_at");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_subscriber_meeting_key" ON "alerts" USING btree ("subscriber_id","meeting_id");--> statement-breakpoint
CREATE INDEX "alerts_mail_idx" ON "alerts" USING btree ("mail_id");--> statement-breakpoint
CREATE INDEX "alerts_created_at_idx" ON "alerts" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "alerts_waiting_idx" ON "alerts" USING btree ("subscriber_id") WHERE mail_id is null;