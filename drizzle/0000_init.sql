CREATE TABLE "accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"parent" text,
	"definition" jsonb NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alert_levels" (
	"node_id" text PRIMARY KEY NOT NULL,
	"level" text NOT NULL,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"node_id" text NOT NULL,
	"from_level" text NOT NULL,
	"to_level" text NOT NULL,
	"margin_ratio" double precision,
	"equity" double precision NOT NULL,
	"mm" double precision NOT NULL,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"lookup" text NOT NULL,
	"name" text NOT NULL,
	"salt" text NOT NULL,
	"hash" text NOT NULL,
	"scopes" jsonb NOT NULL,
	"root" text,
	"created_at" bigint NOT NULL,
	"revoked_at" bigint,
	CONSTRAINT "api_keys_lookup_unique" UNIQUE("lookup")
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"idempotency_key" text NOT NULL,
	"kind" text NOT NULL,
	"payload" jsonb NOT NULL,
	"digest" text NOT NULL,
	"received_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "instruments" (
	"id" text PRIMARY KEY NOT NULL,
	"definition" jsonb NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "margin_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"node_id" text NOT NULL,
	"at" bigint NOT NULL,
	"version" bigint NOT NULL,
	"equity" double precision NOT NULL,
	"im" double precision NOT NULL,
	"mm" double precision NOT NULL,
	"margin_ratio" double precision,
	"status" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "market_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"payload" jsonb NOT NULL,
	"received_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "state_snapshots" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_id" bigint NOT NULL,
	"state" jsonb NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhooks" (
	"id" text PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"secret" text NOT NULL,
	"root" text,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "alerts_node" ON "alerts" USING btree ("node_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "events_account_seq" ON "events" USING btree ("account_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "events_account_key" ON "events" USING btree ("account_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "margin_history_node_at" ON "margin_history" USING btree ("node_id","at");