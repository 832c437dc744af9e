import { MigrationInterface, QueryRunner } from "typeorm";

export class StudySessionsAndSeries1796041000000 implements MigrationInterface {
    name = 'StudySessionsAndSeries1796041000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "event_series" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "chapter_id" uuid NOT NULL,
                "organisation_id" uuid NOT NULL,
                "rrule" text NOT NULL,
                "time_zone" text NOT NULL,
                "dtstart" text NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_9c68540164026e1a070a0a227f8" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_b815b4eb284efafff10c94ad2d" ON "event_series" ("chapter_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "event_reading_list_items" (
                "event_id" uuid NOT NULL,
                "item_id" uuid NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "marked_at" TIMESTAMP(3) WITH TIME ZONE,
                CONSTRAINT "PK_00712fe7ad70629d73e66af50e8" PRIMARY KEY ("event_id", "item_id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_bc1858ad7c4cbf0e4e309d4c78" ON "event_reading_list_items" ("item_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "events"
            ADD "series_id" uuid
        `);
        await queryRunner.query(`
            ALTER TABLE "events"
            ADD "series_slot" text
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "events_series_slot_key" ON "events" ("series_id", "series_slot")
        `);
        await queryRunner.query(`
            ALTER TABLE "event_series"
            ADD CONSTRAINT "FK_b815b4eb284efafff10c94ad2df" FOREIGN KEY ("chapter_id") REFERENCES "chapters"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "event_series"
            ADD CONSTRAINT "FK_d1b9530443a1bbae2ceacb42ea5" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "events"
            ADD CONSTRAINT "FK_b813f31f3fbf0410fec4ec7734a" FOREIGN KEY ("series_id") REFERENCES "event_series"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "event_reading_list_items"
            ADD CONSTRAINT "FK_7546072750b1079bdd64195fc61" FOREIGN KEY ("event_id") REFERENCES "events"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "event_reading_list_items"
            ADD CONSTRAINT "FK_bc1858ad7c4cbf0e4e309d4c783" FOREIGN KEY ("item_id") REFERENCES "reading_list_items"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "event_reading_list_items" DROP CONSTRAINT "FK_bc1858ad7c4cbf0e4e309d4c783"
        `);
        await queryRunner.query(`
            ALTER TABLE "event_reading_list_items" DROP CONSTRAINT "FK_7546072750b1079bdd64195fc61"
        `);
        await queryRunner.query(`
            ALTER TABLE "events" DROP CONSTRAINT "FK_b813f31f3fbf0410fec4ec7734a"
        `);
        await queryRunner.query(`
            ALTER TABLE "event_series" DROP CONSTRAINT "FK_d1b9530443a1bbae2ceacb42ea5"
        `);
        await queryRunner.query(`
            ALTER TABLE "event_series" DROP CONSTRAINT "FK_b815b4eb284efafff10c94ad2df"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."events_series_slot_key"
        `);
        await queryRunner.query(`
            ALTER TABLE "events" DROP COLUMN "series_slot"
        `);
        await queryRunner.query(`
            ALTER TABLE "events" DROP COLUMN "series_id"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_bc1858ad7c4cbf0e4e309d4c78"
        `);
        await queryRunner.query(`
            DROP TABLE "event_reading_list_items"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_b815b4eb284efafff10c94ad2d"
        `);
        await queryRunner.query(`
            DROP TABLE "event_series"
        `);
    }

}
