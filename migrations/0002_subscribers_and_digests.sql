CREATE TABLE "subscriber_emails" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"subscriber_id" bigint,
	"kind" text NOT NULL,
	"message_id" text,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscribers" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"public_id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"email" text,
	"email_key" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"token_version" integer DEFAULT 1 NOT NULL,
	"councils" text[] DEFAULT '{}'::text[] NOT NULL,
	"committees" text[] DEFAULT '{}'::text[] NOT NULL,
	"topics" text[] DEFAULT '{}'::text[] NOT NULL,
	"keywords" text[] DEFAULT '{}'::text[] NOT NULL,
	"filter_key" text NOT NULL,
	"consent_source" text DEFAULT 'form' NOT NULL,
	"consent_note" text,
	"hard_bounces" smallint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"confirmed_at" timestamp with time zone,
	"unsubscribed_at" timestamp with time zone,
	"erased_at" timestamp with time zone,
	CONSTRAINT "subscribers_public_id_unique" UNIQUE("public_id")
);
--> statement-breakpoint
CREATE TABLE "suppressions" (
	"email_key" text PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" bigint NOT NULL,
	"subscriber_id" bigint,
	"week" date NOT NULL,
	"status" text DEFAULT 'claimed' NOT NULL,
	"message_id" text NOT NULL,
	"attempts" smallint DEFAULT 0 NOT NULL,
	"meetings" smallint DEFAULT 0 NOT NULL,
	"sections" smallint DEFAULT 0 NOT NULL,
	"subject" text,
	"error" text,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "digest_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"week" date NOT NULL,
	"dry_run" boolean DEFAULT false NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"trigger" text NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"sent" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"cursor" bigint DEFAULT 0 NOT NULL,
	"samples" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"fanned_out_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "subscriber_emails" ADD CONSTRAINT "subscriber_emails_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_run_id_digest_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."digest_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "subscriber_emails_subscriber_idx" ON "subscriber_emails" USING btree ("subscriber_id","sent_at");--> statement-breakpoint
CREATE UNIQUE INDEX "subscribers_email_key_key" ON "subscribers" USING btree ("email_key") WHERE email_key is not null;--> statement-breakpoint
CREATE INDEX "subscribers_active_idx" ON "subscribers" USING btree ("id") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "subscribers_filter_key_idx" ON "subscribers" USING btree ("filter_key");--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_subscriber_week_key" ON "deliveries" USING btree ("subscriber_id","week");--> statement-breakpoint
CREATE INDEX "deliveries_run_status_idx" ON "deliveries" USING btree ("run_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "digest_runs_week_key" ON "digest_runs" USING btree ("week") WHERE not dry_run;