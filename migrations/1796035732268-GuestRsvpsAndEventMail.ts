import { MigrationInterface, QueryRunner } from "typeorm";

export class GuestRsvpsAndEventMail1796035732268 implements MigrationInterface {
    name = 'GuestRsvpsAndEventMail1796035732268'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "attendance_reminders" (
                "attendance_id" uuid NOT NULL,
                "kind" text NOT NULL,
                "claimed_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "attendance_reminders_kind_check" CHECK ("kind" IN ('24h', '1h')),
                CONSTRAINT "PK_40f34b65dd2d9d0f67a1848c516" PRIMARY KEY ("attendance_id", "kind")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "email_preferences" (
                "email_hash" text NOT NULL,
                "event_mail_unsubscribed_at" TIMESTAMP WITH TIME ZONE,
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_3619b5ee7c466b66d2f2b4e3a82" PRIMARY KEY ("email_hash")
            )
        `);
        await queryRunner.query(`
            ALTER TABLE "attendances" DROP COLUMN "cancel_token_hash"
        `);
        await queryRunner.query(`
            ALTER TABLE "attendances"
            ADD "consent_wording_id" uuid
        `);
        await queryRunner.query(`
            ALTER TABLE "attendances"
            ADD "consented_at" TIMESTAMP WITH TIME ZONE
        `);
        await queryRunner.query(`
            ALTER TABLE "attendance_reminders"
            ADD CONSTRAINT "FK_c9bcc13ccb5c414acbbfb2bd265" FOREIGN KEY ("attendance_id") REFERENCES "attendances"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "attendance_reminders" DROP CONSTRAINT "FK_c9bcc13ccb5c414acbbfb2bd265"
        `);
        await queryRunner.query(`
            ALTER TABLE "attendances" DROP COLUMN "consented_at"
        `);
        await queryRunner.query(`
            ALTER TABLE "attendances" DROP COLUMN "consent_wording_id"
        `);
        await queryRunner.query(`
            ALTER TABLE "attendances"
            ADD "cancel_token_hash" text
        `);
        await queryRunner.query(`
            DROP TABLE "email_preferences"
        `);
        await queryRunner.query(`
            DROP TABLE "attendance_reminders"
        `);
    }

}
