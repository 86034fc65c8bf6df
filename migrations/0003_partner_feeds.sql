CREATE TABLE "feed_deliveries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" bigint NOT NULL,
	"recipient_id" bigint,
	"feed_id" bigint,
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
CREATE TABLE "feed_recipients" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"public_id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"feed_id" bigint NOT NULL,
	"email" text NOT NULL,
	"email_key" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"token_version" integer DEFAULT 1 NOT NULL,
	"confirmation_sent_at" timestamp with time zone,
	"confirmed_at" timestamp with time zone,
	"unsubscribed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feed_recipients_public_id_unique" UNIQUE("public_id")
);
--> statement-breakpoint
CREATE TABLE "feeds" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"public_id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"partner_id" bigint NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'requested' NOT NULL,
	"councils" text[] DEFAULT '{}'::text[] NOT NULL,
	"committees" text[] DEFAULT '{}'::text[] NOT NULL,
	"topics" text[] DEFAULT '{}'::text[] NOT NULL,
	"keywords" text[] DEFAULT '{}'::text[] NOT NULL,
	"filter_key" text NOT NULL,
	"atom_token_hash" text NOT NULL,
	"atom_token_created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decision_note" text,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feeds_public_id_unique" UNIQUE("public_id")
);
--> statement-breakpoint
CREATE TABLE "partner_keys" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"partner_id" bigint NOT NULL,
	"prefix" text NOT NULL,
	"hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "partner_keys_prefix_unique" UNIQUE("prefix")
);
--> statement-breakpoint
CREATE TABLE "partners" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"contact_email" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "feed_deliveries" ADD CONSTRAINT "feed_deliveries_run_id_digest_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."digest_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feed_deliveries" ADD CONSTRAINT "feed_deliveries_recipient_id_feed_recipients_id_fk" FOREIGN KEY ("recipient_id") REFERENCES "public"."feed_recipients"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feed_deliveries" ADD CONSTRAINT "feed_deliveries_feed_id_feeds_id_fk" FOREIGN KEY ("feed_id") REFERENCES "public"."feeds"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feed_recipients" ADD CONSTRAINT "feed_recipients_feed_id_feeds_id_fk" FOREIGN KEY ("feed_id") REFERENCES "public"."feeds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feeds" ADD CONSTRAINT "feeds_partner_id_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partner_keys" ADD CONSTRAINT "partner_keys_partner_id_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "feed_deliveries_recipient_week_key" ON "feed_deliveries" USING btree ("recipient_id","week");--> statement-breakpoint
CREATE INDEX "feed_deliveries_run_status_idx" ON "feed_deliveries" USING btree ("run_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "feed_recipients_feed_email_key" ON "feed_recipients" USING btree ("feed_id","email_key");--> statement-breakpoint
CREATE INDEX "feed_recipients_active_idx" ON "feed_recipients" USING btree ("id") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "feeds_partner_idx" ON "feeds" USING btree ("partner_id");--> statement-breakpoint
CREATE INDEX "feeds_status_created_idx" ON "feeds" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "partner_keys_partner_idx" ON "partner_keys" USING btree ("partner_id");--> statement-breakpoint
CREATE UNIQUE INDEX "partners_name_key" ON "partners" USING btree (lower("name"));