CREATE TABLE "margin_history_buckets" (
	"node_id" text NOT NULL,
	"resolution" bigint NOT NULL,
	"bucket_start" bigint NOT NULL,
	"at" bigint NOT NULL,
	"version" bigint NOT NULL,
	"equity" double precision NOT NULL,
	"im" double precision NOT NULL,
	"mm" double precision NOT NULL,
	"margin_ratio" double precision,
	"status" text NOT NULL,
	"equity_min" double precision NOT NULL,
	"equity_max" double precision NOT NULL,
	"im_max" double precision NOT NULL,
	"mm_max" double precision NOT NULL,
	"margin_ratio_max" double precision,
	"worst_status" text NOT NULL,
	"count" bigint NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "margin_history_buckets_key" ON "margin_history_buckets" USING btree ("node_id","resolution","bucket_start");--> statement-breakpoint
CREATE INDEX "margin_history_buckets_node_at" ON "margin_history_buckets" USING btree ("node_id","at");