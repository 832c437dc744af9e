import { MigrationInterface, QueryRunner } from "typeorm";

export class ReadingLists1795842609798 implements MigrationInterface {
    name = 'ReadingLists1795842609798'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "reading_lists" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "chapter_id" uuid NOT NULL,
                "organisation_id" uuid NOT NULL,
                "title" text NOT NULL,
                "description" text,
                "visibility" text NOT NULL,
                "forked_from_id" uuid,
                "item_count" integer NOT NULL DEFAULT '0',
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "reading_lists_visibility_check" CHECK (
                    "visibility" IN ('PUBLIC', 'ORGANISATION', 'CHAPTER')
                ),
                CONSTRAINT "PK_38dba929b13ab9c59c8eee96ba2" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_ff6fa0bdb1a566650f6c95c52d" ON "reading_lists" ("organisation_id", "created_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_27ebb7ec7b28c094f5e7e9ba59" ON "reading_lists" ("chapter_id", "created_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "reading_list_items" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "list_id" uuid NOT NULL,
                "position" integer NOT NULL,
                "kind" text NOT NULL,
                "title" text NOT NULL,
                "authors" text array NOT NULL DEFAULT '{}',
                "url" text,
                "isbn" text,
                "year" integer,
                "note" text,
                "discussion_questions" text array NOT NULL DEFAULT '{}',
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "reading_list_items_position_key" UNIQUE ("list_id", "position") DEFERRABLE INITIALLY DEFERRED,
                CONSTRAINT "reading_list_items_position_check" CHECK ("position" > 0),
                CONSTRAINT "reading_list_items_kind_check" CHECK (
                    "kind" IN ('BOOK', 'ARTICLE', 'VIDEO', 'PODCAST', 'OTHER')
                ),
                CONSTRAINT "PK_e1f905fe67a0fcc9faa0fbb4b9a" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "reading_list_shares" (
                "list_id" uuid NOT NULL,
                "chapter_id" uuid NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_3974d32bdee29918517a025c10c" PRIMARY KEY ("list_id", "chapter_id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_c958590b7dfe5c9ec4750b006e" ON "reading_list_shares" ("chapter_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "reading_statuses" (
                "user_id" uuid NOT NULL,
                "item_id" uuid NOT NULL,
                "status" text NOT NULL,
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "reading_statuses_status_check" CHECK ("status" IN ('TO_READ', 'READING', 'READ')),
                CONSTRAINT "PK_d8d2f3e1d5505705e87580395da" PRIMARY KEY ("user_id", "item_id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_d3d7ec1032d2cc9110b4b8148a" ON "reading_statuses" ("item_id", "status")
        `);
        await queryRunner.query(`
            ALTER TABLE "reading_lists"
            ADD CONSTRAINT "FK_ae29e45372d6d3f8a4d9278fdba" FOREIGN KEY ("chapter_id") REFERENCES "chapters"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "reading_lists"
            ADD CONSTRAINT "FK_5ee11f8661d8cafe9f5c97a8b34" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "reading_lists"
            ADD CONSTRAINT "FK_53ecd7d0c2afb45833f63dbad6a" FOREIGN KEY ("forked_from_id") REFERENCES "reading_lists"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "reading_list_items"
            ADD CONSTRAINT "FK_baa78d895853ea229de796354c8" FOREIGN KEY ("list_id") REFERENCES "reading_lists"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "reading_list_shares"
            ADD CONSTRAINT "FK_421141bc893ec0ab3ff0af9aff1" FOREIGN KEY ("list_id") REFERENCES "reading_lists"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "reading_list_shares"
            ADD CONSTRAINT "FK_c958590b7dfe5c9ec4750b006eb" FOREIGN KEY ("chapter_id") REFERENCES "chapters"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "reading_statuses"
            ADD CONSTRAINT "FK_6e34557d02267626ccf01e99d10" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "reading_statuses"
            ADD CONSTRAINT "FK_1229b276ce6a1ce7d8f39f9f1a3" FOREIGN KEY ("item_id") REFERENCES "reading_list_items"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        // Written by hand (the entity declares it with synchronize: false): full-text search over a
        // list's title and description; item titles and authors are searched per visible list.
        await queryRunner.query(`
            CREATE INDEX "reading_lists_search_idx" ON "reading_lists"
            USING gin (to_tsvector('simple', "title" || ' ' || coalesce("description", '')))
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."reading_lists_search_idx"
        `);
        await queryRunner.query(`
            ALTER TABLE "reading_statuses" DROP CONSTRAINT "FK_1229b276ce6a1ce7d8f39f9f1a3"
        `);
        await queryRunner.query(`
            ALTER TABLE "reading_statuses" DROP CONSTRAINT "FK_6e34557d02267626ccf01e99d10"
        `);
        await queryRunner.query(`
            ALTER TABLE "reading_list_shares" DROP CONSTRAINT "FK_c958590b7dfe5c9ec4750b006eb"
        `);
        await queryRunner.query(`
            ALTER TABLE "reading_list_shares" DROP CONSTRAINT "FK_421141bc893ec0ab3ff0af9aff1"
        `);
        await queryRunner.query(`
            ALTER TABLE "reading_list_items" DROP CONSTRAINT "FK_baa78d895853ea229de796354c8"
        `);
        await queryRunner.query(`
            ALTER TABLE "reading_lists" DROP CONSTRAINT "FK_53ecd7d0c2afb45833f63dbad6a"
        `);
        await queryRunner.query(`
            ALTER TABLE "reading_lists" DROP CONSTRAINT "FK_5ee11f8661d8cafe9f5c97a8b34"
        `);
        await queryRunner.query(`
            ALTER TABLE "reading_lists" DROP CONSTRAINT "FK_ae29e45372d6d3f8a4d9278fdba"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_d3d7ec1032d2cc9110b4b8148a"
        `);
        await queryRunner.query(`
            DROP TABLE "reading_statuses"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_c958590b7dfe5c9ec4750b006e"
        `);
        await queryRunner.query(`
            DROP TABLE "reading_list_shares"
        `);
        await queryRunner.query(`
            DROP TABLE "reading_list_items"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_27ebb7ec7b28c094f5e7e9ba59"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_ff6fa0bdb1a566650f6c95c52d"
        `);
        await queryRunner.query(`
            DROP TABLE "reading_lists"
        `);
    }

}
