import { MigrationInterface, QueryRunner } from "typeorm";

export class Petitions1795839994219 implements MigrationInterface {
    name = 'Petitions1795839994219'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "consent_wordings" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "organisation_id" uuid,
                "text" text NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_6c8c79f154af81eaf7143a855f3" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_e66fc614795fc884f489c8b925" ON "consent_wordings" ("organisation_id", "created_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "petitions" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "organisation_id" uuid NOT NULL,
                "chapter_id" uuid,
                "slug" text NOT NULL,
                "title" text NOT NULL,
                "target" text NOT NULL,
                "body" text NOT NULL,
                "goal" integer,
                "status" text NOT NULL,
                "visibility" text NOT NULL,
                "closes_at" TIMESTAMP(3) WITH TIME ZONE,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "petitions_goal_check" CHECK (
                    "goal" IS NULL
                    OR "goal" > 0
                ),
                CONSTRAINT "petitions_visibility_check" CHECK (
                    "visibility" IN ('PUBLIC', 'ORGANISATION', 'CHAPTER')
                ),
                CONSTRAINT "petitions_status_check" CHECK ("status" IN ('DRAFT', 'OPEN', 'CLOSED')),
                CONSTRAINT "PK_db291e9a07cb5e6850128379cf1" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_0c85ebf2e584f530aa508afb33" ON "petitions" ("chapter_id", "created_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_a495a8f508b34881d463af19ac" ON "petitions" ("organisation_id", "created_at")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_faf262bf42eac0c208b609d719" ON "petitions" ("organisation_id", "slug")
        `);
        await queryRunner.query(`
            CREATE TABLE "petition_signature_counts" (
                "petition_id" uuid NOT NULL,
                "shard" smallint NOT NULL,
                "count" integer NOT NULL DEFAULT '0',
                CONSTRAINT "PK_381091a69c4816735e906122d9b" PRIMARY KEY ("petition_id", "shard")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "signatures" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "petition_id" uuid NOT NULL,
                "full_name" text NOT NULL,
                "email" text NOT NULL,
                "postcode" text,
                "country" text,
                "comment" text,
                "display_publicly" boolean NOT NULL,
                "contact_consent" boolean NOT NULL,
                "consent_wording_id" uuid,
                "consented_at" TIMESTAMP(3) WITH TIME ZONE,
                "source" text,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_f56eb3cd344ce7f9ae28ce814eb" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "signatures_public_idx" ON "signatures" ("petition_id", "created_at")
            WHERE "display_publicly"
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_456e6a07d0a6ee7a8947941779" ON "signatures" ("petition_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "IDX_2ad694dcc86b943c89f6df4eaa" ON "signatures" ("petition_id", "email")
        `);
        await queryRunner.query(`
            ALTER TABLE "petitions"
            ADD CONSTRAINT "FK_2ab858d9fa664a3422f168fbd69" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "petitions"
            ADD CONSTRAINT "FK_7a0e367ae96279beba7e85a238d" FOREIGN KEY ("chapter_id") REFERENCES "chapters"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        // Written by hand (the entity declares it with synchronize: false): full-text search over
        // title, target and body with the language-neutral 'simple' configuration.
        await queryRunner.query(`
            CREATE INDEX "petitions_search_idx" ON "petitions"
            USING gin (to_tsvector('simple', "title" || ' ' || "target" || ' ' || "body"))
        `);
        // The platform's default contact-consent wording: what signers see until an organisation sets its own.
        await queryRunner.query(`INSERT INTO "consent_wordings" ("organisation_id", "text") VALUES (NULL, $1)`, [
            'Yes, the organisers of this petition may contact me by email about this and related campaigns. I can withdraw this consent at any time.',
        ]);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."petitions_search_idx"
        `);
        await queryRunner.query(`
            ALTER TABLE "petitions" DROP CONSTRAINT "FK_7a0e367ae96279beba7e85a238d"
        `);
        await queryRunner.query(`
            ALTER TABLE "petitions" DROP CONSTRAINT "FK_2ab858d9fa664a3422f168fbd69"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_2ad694dcc86b943c89f6df4eaa"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_456e6a07d0a6ee7a8947941779"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."signatures_public_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "signatures"
        `);
        await queryRunner.query(`
            DROP TABLE "petition_signature_counts"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_faf262bf42eac0c208b609d719"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_a495a8f508b34881d463af19ac"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_0c85ebf2e584f530aa508afb33"
        `);
        await queryRunner.query(`
            DROP TABLE "petitions"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_e66fc614795fc884f489c8b925"
        `);
        await queryRunner.query(`
            DROP TABLE "consent_wordings"
        `);
    }

}
