CREATE TABLE "store_writer" (
	"id" integer PRIMARY KEY NOT NULL,
	"epoch" bigint NOT NULL,
	"owner" jsonb NOT NULL,
	"acquired_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
-- The one row of the lease, free (expired) until a writer takes it with epoch 1.
INSERT INTO "store_writer" ("id", "epoch", "owner", "acquired_at", "expires_at") VALUES (1, 0, '{}'::jsonb, 0, 0);
--> statement-breakpoint
-- The margin version continues after an upgrade: it starts above the last one stored with the history.
INSERT INTO "settings" ("key", "value")
SELECT 'margin_version', to_jsonb(max("version")) FROM "margin_history" HAVING max("version") IS NOT NULL
ON CONFLICT ("key") DO NOTHING;
