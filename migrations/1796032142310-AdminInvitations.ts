import { MigrationInterface, QueryRunner } from "typeorm";

export class AdminInvitations1796032142310 implements MigrationInterface {
    name = 'AdminInvitations1796032142310'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "admin_invitations" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "organisation_id" uuid NOT NULL,
                "email" text NOT NULL,
                "token_hash" text NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "accepted_at" TIMESTAMP WITH TIME ZONE,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                "created_by_id" uuid,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "admin_invitations_spent_once_check" CHECK ("accepted_at" IS NULL OR "revoked_at" IS NULL),
                CONSTRAINT "PK_0c710b9106ea89847bcf62bd3e1" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_a045077d5f0a7525591cbbd952" ON "admin_invitations" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_ebf695e9d1a687e07da514c91e" ON "admin_invitations" ("organisation_id", "created_at")
        `);
        await queryRunner.query(`
            ALTER TABLE "admin_invitations"
            ADD CONSTRAINT "FK_e422e3af552283709e3d2bd6477" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "admin_invitations"
            ADD CONSTRAINT "FK_21a3a5b2677ee60484fabd0031b" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "admin_invitations" DROP CONSTRAINT "FK_21a3a5b2677ee60484fabd0031b"
        `);
        await queryRunner.query(`
            ALTER TABLE "admin_invitations" DROP CONSTRAINT "FK_e422e3af552283709e3d2bd6477"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_ebf695e9d1a687e07da514c91e"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_a045077d5f0a7525591cbbd952"
        `);
        await queryRunner.query(`
            DROP TABLE "admin_invitations"
        `);
    }

}
