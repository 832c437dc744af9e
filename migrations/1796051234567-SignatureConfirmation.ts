import { MigrationInterface, QueryRunner } from "typeorm";

export class SignatureConfirmation1796051234567 implements MigrationInterface {
    name = 'SignatureConfirmation1796051234567'

    // Signatures made before double opt-in were counted at once: they count as confirmed when they were made.
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "signatures" ADD "confirmed_at" TIMESTAMP(3) WITH TIME ZONE
        `);
        await queryRunner.query(`
            UPDATE "signatures" SET "confirmed_at" = "created_at"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."signatures_public_idx"
        `);
        await queryRunner.query(`
            CREATE INDEX "signatures_public_idx" ON "signatures" ("petition_id", "confirmed_at")
            WHERE "display_publicly" AND "confirmed_at" IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "signatures_unconfirmed_idx" ON "signatures" ("petition_id")
            WHERE "confirmed_at" IS NULL
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."signatures_unconfirmed_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."signatures_public_idx"
        `);
        await queryRunner.query(`
            CREATE INDEX "signatures_public_idx" ON "signatures" ("petition_id", "created_at")
            WHERE "display_publicly"
        `);
        await queryRunner.query(`
            ALTER TABLE "signatures" DROP COLUMN "confirmed_at"
        `);
    }
}
