import { MigrationInterface, QueryRunner } from "typeorm";

export class PlatformCore1795833287706 implements MigrationInterface {
    name = 'PlatformCore1795833287706'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "organisations" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "slug" text NOT NULL,
                "name" text NOT NULL,
                "description" text,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_7bf54cba378d5b2f1d4c10ef4df" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_db67ac918db3917134d0c9edbb" ON "organisations" ("slug")
        `);
        await queryRunner.query(`
            CREATE TABLE "users" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "email" text NOT NULL,
                "display_name" text NOT NULL,
                "password_hash" text NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_97672ac88f789774dd47f7c8be" ON "users" ("email")
        `);
        await queryRunner.query(`
            CREATE TABLE "api_keys" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "organisation_id" uuid NOT NULL,
                "name" text NOT NULL,
                "prefix" text NOT NULL,
                "secret_hash" text NOT NULL,
                "scopes" text array NOT NULL,
                "created_by_id" uuid,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "last_used_at" TIMESTAMP WITH TIME ZONE,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_f68f7c5caa6f5f87a855b8cf3c" ON "api_keys" ("organisation_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_fef9aa4a1cf4f8c063ac5d75f2" ON "api_keys" ("secret_hash")
        `);
        await queryRunner.query(`
            CREATE TABLE "refresh_tokens" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "user_id" uuid NOT NULL,
                "family_id" uuid NOT NULL,
                "token_hash" text NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "used_at" TIMESTAMP WITH TIME ZONE,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_7d8bee0204106019488c4c50ffa" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_3ddc983c5f7bcf132fd8732c3f" ON "refresh_tokens" ("user_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_d5e27da0cd39bc3bb2811fc8ba" ON "refresh_tokens" ("family_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_a7838d2ba25be1342091b6695f" ON "refresh_tokens" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE TABLE "chapters" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "organisation_id" uuid NOT NULL,
                "slug" text NOT NULL,
                "name" text NOT NULL,
                "description" text,
                "city" text,
                "country" text,
                "time_zone" text NOT NULL,
                "join_policy" text NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "chapters_join_policy_check" CHECK (
                    "join_policy" IN ('OPEN', 'APPROVAL', 'INVITE_ONLY')
                ),
                CONSTRAINT "PK_a2bbdbb4bdc786fe0cb0fcfc4a0" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_e00e4ce74fa3de66ed0b1d509a" ON "chapters" ("organisation_id", "slug")
        `);
        await queryRunner.query(`
            CREATE TABLE "invitations" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "chapter_id" uuid NOT NULL,
                "email" text NOT NULL,
                "role" text NOT NULL,
                "token_hash" text NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "accepted_at" TIMESTAMP WITH TIME ZONE,
                "created_by_id" uuid,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "invitations_role_check" CHECK ("role" IN ('ORGANISER', 'MEMBER')),
                CONSTRAINT "PK_5dec98cfdfd562e4ad3648bbb07" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_6b4ccc4d5b94cc3f2e5bf440af" ON "invitations" ("chapter_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_872ac94a64b3d44fc4b554780c" ON "invitations" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE TABLE "memberships" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "chapter_id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "role" text NOT NULL,
                "status" text NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "memberships_status_check" CHECK ("status" IN ('ACTIVE', 'PENDING')),
                CONSTRAINT "memberships_role_check" CHECK ("role" IN ('ORGANISER', 'MEMBER')),
                CONSTRAINT "PK_25d28bd932097a9e90495ede7b4" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_7c1e2fdfed4f6838e0c05ae505" ON "memberships" ("user_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_a3d3ea75fca6ec502432ae5684" ON "memberships" ("chapter_id", "status", "created_at")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_579945362c99a8cc395c9b5539" ON "memberships" ("chapter_id", "user_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "organisation_admins" (
                "organisation_id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_0e9ce4f62a6156a159127fd5995" PRIMARY KEY ("organisation_id", "user_id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_7d23cad4bd650c76dfb3f3a8fb" ON "organisation_admins" ("user_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "rate_limits" (
                "key" character varying(255) NOT NULL,
                "points" integer NOT NULL DEFAULT '0',
                "expire" bigint,
                CONSTRAINT "PK_8cb6aa4831e3e775ccf370521db" PRIMARY KEY ("key")
            )
        `);
        await queryRunner.query(`
            ALTER TABLE "api_keys"
            ADD CONSTRAINT "FK_f68f7c5caa6f5f87a855b8cf3c8" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "api_keys"
            ADD CONSTRAINT "FK_3afd227c6cb003779abe2a88b4e" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "refresh_tokens"
            ADD CONSTRAINT "FK_3ddc983c5f7bcf132fd8732c3f4" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "chapters"
            ADD CONSTRAINT "FK_e9de4c8e1af777dae31f52b6104" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "invitations"
            ADD CONSTRAINT "FK_6b4ccc4d5b94cc3f2e5bf440af0" FOREIGN KEY ("chapter_id") REFERENCES "chapters"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "invitations"
            ADD CONSTRAINT "FK_504adeb0e31e50792c33aced772" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "memberships"
            ADD CONSTRAINT "FK_6610c21b88f4900e47a6920e3e4" FOREIGN KEY ("chapter_id") REFERENCES "chapters"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "memberships"
            ADD CONSTRAINT "FK_7c1e2fdfed4f6838e0c05ae5051" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "organisation_admins"
            ADD CONSTRAINT "FK_ef29cba66cb26690c63876789a0" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "organisation_admins"
            ADD CONSTRAINT "FK_7d23cad4bd650c76dfb3f3a8fb5" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "organisation_admins" DROP CONSTRAINT "FK_7d23cad4bd650c76dfb3f3a8fb5"
        `);
        await queryRunner.query(`
            ALTER TABLE "organisation_admins" DROP CONSTRAINT "FK_ef29cba66cb26690c63876789a0"
        `);
        await queryRunner.query(`
            ALTER TABLE "memberships" DROP CONSTRAINT "FK_7c1e2fdfed4f6838e0c05ae5051"
        `);
        await queryRunner.query(`
            ALTER TABLE "memberships" DROP CONSTRAINT "FK_6610c21b88f4900e47a6920e3e4"
        `);
        await queryRunner.query(`
            ALTER TABLE "invitations" DROP CONSTRAINT "FK_504adeb0e31e50792c33aced772"
        `);
        await queryRunner.query(`
            ALTER TABLE "invitations" DROP CONSTRAINT "FK_6b4ccc4d5b94cc3f2e5bf440af0"
        `);
        await queryRunner.query(`
            ALTER TABLE "chapters" DROP CONSTRAINT "FK_e9de4c8e1af777dae31f52b6104"
        `);
        await queryRunner.query(`
            ALTER TABLE "refresh_tokens" DROP CONSTRAINT "FK_3ddc983c5f7bcf132fd8732c3f4"
        `);
        await queryRunner.query(`
            ALTER TABLE "api_keys" DROP CONSTRAINT "FK_3afd227c6cb003779abe2a88b4e"
        `);
        await queryRunner.query(`
            ALTER TABLE "api_keys" DROP CONSTRAINT "FK_f68f7c5caa6f5f87a855b8cf3c8"
        `);
        await queryRunner.query(`
            DROP TABLE "rate_limits"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_7d23cad4bd650c76dfb3f3a8fb"
        `);
        await queryRunner.query(`
            DROP TABLE "organisation_admins"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_579945362c99a8cc395c9b5539"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_a3d3ea75fca6ec502432ae5684"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_7c1e2fdfed4f6838e0c05ae505"
        `);
        await queryRunner.query(`
            DROP TABLE "memberships"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_872ac94a64b3d44fc4b554780c"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_6b4ccc4d5b94cc3f2e5bf440af"
        `);
        await queryRunner.query(`
            DROP TABLE "invitations"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_e00e4ce74fa3de66ed0b1d509a"
        `);
        await queryRunner.query(`
            DROP TABLE "chapters"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_a7838d2ba25be1342091b6695f"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_d5e27da0cd39bc3bb2811fc8ba"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_3ddc983c5f7bcf132fd8732c3f"
        `);
        await queryRunner.query(`
            DROP TABLE "refresh_tokens"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_fef9aa4a1cf4f8c063ac5d75f2"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_f68f7c5caa6f5f87a855b8cf3c"
        `);
        await queryRunner.query(`
            DROP TABLE "api_keys"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_97672ac88f789774dd47f7c8be"
        `);
        await queryRunner.query(`
            DROP TABLE "users"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_db67ac918db3917134d0c9edbb"
        `);
        await queryRunner.query(`
            DROP TABLE "organisations"
        `);
    }

}
