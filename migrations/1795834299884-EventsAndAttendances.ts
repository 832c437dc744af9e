import { MigrationInterface, QueryRunner } from "typeorm";

export class EventsAndAttendances1795834299884 implements MigrationInterface {
    name = 'EventsAndAttendances1795834299884'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "events" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "chapter_id" uuid NOT NULL,
                "organisation_id" uuid NOT NULL,
                "title" text NOT NULL,
                "description" text,
                "starts_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "ends_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "time_zone" text NOT NULL,
                "venue" text,
                "address_line" text,
                "city" text,
                "postcode" text,
                "country" text,
                "latitude" double precision,
                "longitude" double precision,
                "online_url" text,
                "capacity" integer,
                "visibility" text NOT NULL,
                "status" text NOT NULL,
                "cancel_reason" text,
                "going_count" integer NOT NULL DEFAULT '0',
                "waitlist_count" integer NOT NULL DEFAULT '0',
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "events_counts_check" CHECK (
                    "going_count" >= 0
                    AND "waitlist_count" >= 0
                ),
                CONSTRAINT "events_capacity_check" CHECK (
                    "capacity" IS NULL
                    OR "capacity" > 0
                ),
                CONSTRAINT "events_time_check" CHECK ("ends_at" > "starts_at"),
                CONSTRAINT "events_visibility_check" CHECK (
                    "visibility" IN ('PUBLIC', 'ORGANISATION', 'CHAPTER')
                ),
                CONSTRAINT "events_status_check" CHECK ("status" IN ('DRAFT', 'PUBLISHED', 'CANCELLED')),
                CONSTRAINT "PK_40731c7151fe4be3116e45ddf73" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_c69b7c1a1a5643895b7b441b7e" ON "events" ("organisation_id", "starts_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_4605450c13b016b8e3538e8907" ON "events" ("chapter_id", "starts_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "attendances" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "event_id" uuid NOT NULL,
                "user_id" uuid,
                "name" text NOT NULL,
                "email" text NOT NULL,
                "status" text NOT NULL,
                "waitlist_position" integer,
                "cancel_token_hash" text,
                "contact_consent" boolean NOT NULL DEFAULT false,
                "checked_in_at" TIMESTAMP(3) WITH TIME ZONE,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "attendances_waitlist_check" CHECK (
                    ("status" = 'WAITLISTED') = ("waitlist_position" IS NOT NULL)
                ),
                CONSTRAINT "attendances_status_check" CHECK ("status" IN ('GOING', 'WAITLISTED', 'CANCELLED')),
                CONSTRAINT "PK_483ed97cd4cd43ab4a117516b69" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_aa902e05aeb5fde7c1dd4ced2b" ON "attendances" ("user_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_9198462c2449fe85c81cc10503" ON "attendances" ("event_id", "status", "waitlist_position")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "attendances_one_live_per_person" ON "attendances" ("event_id", "email")
            WHERE "status" <> 'CANCELLED'
        `);
        await queryRunner.query(`
            ALTER TABLE "events"
            ADD CONSTRAINT "FK_987a4efcef7b92bd79e1071719d" FOREIGN KEY ("chapter_id") REFERENCES "chapters"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "events"
            ADD CONSTRAINT "FK_6834b49cf67e4331b0a17212daf" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "attendances"
            ADD CONSTRAINT "FK_c162246e3ed30830a054231629f" FOREIGN KEY ("event_id") REFERENCES "events"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "attendances"
            ADD CONSTRAINT "FK_aa902e05aeb5fde7c1dd4ced2b7" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
        // Written by hand (the entity declares it with synchronize: false): full-text search over
        // title and description with the language-neutral 'simple' configuration.
        await queryRunner.query(`
            CREATE INDEX "events_search_idx" ON "events"
            USING gin (to_tsvector('simple', "title" || ' ' || coalesce("description", '')))
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."events_search_idx"
        `);
        await queryRunner.query(`
            ALTER TABLE "attendances" DROP CONSTRAINT "FK_aa902e05aeb5fde7c1dd4ced2b7"
        `);
        await queryRunner.query(`
            ALTER TABLE "attendances" DROP CONSTRAINT "FK_c162246e3ed30830a054231629f"
        `);
        await queryRunner.query(`
            ALTER TABLE "events" DROP CONSTRAINT "FK_6834b49cf67e4331b0a17212daf"
        `);
        await queryRunner.query(`
            ALTER TABLE "events" DROP CONSTRAINT "FK_987a4efcef7b92bd79e1071719d"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."attendances_one_live_per_person"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_9198462c2449fe85c81cc10503"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_aa902e05aeb5fde7c1dd4ced2b"
        `);
        await queryRunner.query(`
            DROP TABLE "attendances"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_4605450c13b016b8e3538e8907"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_c69b7c1a1a5643895b7b441b7e"
        `);
        await queryRunner.query(`
            DROP TABLE "events"
        `);
    }

}
