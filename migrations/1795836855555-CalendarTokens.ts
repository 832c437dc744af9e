import { MigrationInterface, QueryRunner } from "typeorm";

export class CalendarTokens1795836855555 implements MigrationInterface {
    name = 'CalendarTokens1795836855555'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "calendar_tokens" (
                "user_id" uuid NOT NULL,
                "token_hash" text NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_b72b4c7c65d3753a2b4fd1bb02a" PRIMARY KEY ("user_id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_f82866d34868ccae6c8307bd2d" ON "calendar_tokens" ("token_hash")
        `);
        await queryRunner.query(`
            ALTER TABLE "calendar_tokens"
            ADD CONSTRAINT "FK_b72b4c7c65d3753a2b4fd1bb02a" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "calendar_tokens" DROP CONSTRAINT "FK_b72b4c7c65d3753a2b4fd1bb02a"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_f82866d34868ccae6c8307bd2d"
        `);
        await queryRunner.query(`
            DROP TABLE "calendar_tokens"
        `);
    }

}
