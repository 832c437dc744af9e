import { MigrationInterface, QueryRunner } from "typeorm";

export class EmailAndJobs1796032175230 implements MigrationInterface {
    name = 'EmailAndJobs1796032175230'

    // Accounts made before this migration start unverified: their owners get a link when they next sign in with the right password.
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "email_tokens" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "kind" text NOT NULL,
                "token_hash" text NOT NULL,
                "email" text NOT NULL,
                "user_id" uuid,
                "data" jsonb NOT NULL DEFAULT '{}',
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "used_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_08abb3fa348e894c274a6730d35" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_8acb431edfc9f9d0e77741468e" ON "email_tokens" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_9040337faad2231de96818a22b" ON "email_tokens" ("email")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_0d750a4fa811d331a4bd011674" ON "email_tokens" ("expires_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "sent_emails" (
                "cause" text NOT NULL,
                "address_hash" text NOT NULL,
                "sent_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "state" text NOT NULL,
                CONSTRAINT "sent_emails_state_check" CHECK ("state" IN ('sending', 'sent', 'dropped')),
                CONSTRAINT "PK_e9c355cb45179fc7446ea901474" PRIMARY KEY ("cause")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_330ddfe95562041ee36e9e4df4" ON "sent_emails" ("address_hash", "sent_at")
        `);
        await queryRunner.query(`
            ALTER TABLE "users"
            ADD "email_verified_at" TIMESTAMP WITH TIME ZONE
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "users" DROP COLUMN "email_verified_at"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_330ddfe95562041ee36e9e4df4"
        `);
        await queryRunner.query(`
            DROP TABLE "sent_emails"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_0d750a4fa811d331a4bd011674"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_9040337faad2231de96818a22b"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_8acb431edfc9f9d0e77741468e"
        `);
        await queryRunner.query(`
            DROP TABLE "email_tokens"
        `);
    }

}
