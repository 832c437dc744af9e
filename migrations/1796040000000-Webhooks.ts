import { MigrationInterface, QueryRunner } from "typeorm";

export class Webhooks1796040000000 implements MigrationInterface {
    name = 'Webhooks1796040000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "webhook_endpoints" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "organisation_id" uuid NOT NULL,
                "url" text NOT NULL,
                "description" text,
                "event_types" text array NOT NULL,
                "read_scopes" text array,
                "enabled" boolean NOT NULL DEFAULT true,
                "disabled_reason" text,
                "secret" text NOT NULL,
                "previous_secret" text,
                "previous_secret_expires_at" TIMESTAMP WITH TIME ZONE,
                "failing_since" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_054c4cfb95223732f5939d2d546" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`CREATE INDEX "IDX_7d7382d4de6412d2e90e914118" ON "webhook_endpoints" ("organisation_id")`);
        await queryRunner.query(`
            ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "FK_7d7382d4de6412d2e90e9141185" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            CREATE TABLE "webhook_deliveries" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "endpoint_id" uuid NOT NULL,
                "message_id" text NOT NULL,
                "event_type" text NOT NULL,
                "status" text NOT NULL DEFAULT 'PENDING',
                "attempts" integer NOT NULL DEFAULT 0,
                "last_attempt_at" TIMESTAMP WITH TIME ZONE,
                "last_response_status" integer,
                "next_attempt_at" TIMESTAMP WITH TIME ZONE,
                "payload" text NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "webhook_deliveries_status_check" CHECK ("status" IN ('PENDING', 'SUCCEEDED', 'FAILED')),
                CONSTRAINT "PK_535dd409947fb6d8fc6dfc0112a" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`CREATE INDEX "webhook_deliveries_endpoint_idx" ON "webhook_deliveries" ("endpoint_id", "created_at", "id")`);
        await queryRunner.query(`CREATE INDEX "webhook_deliveries_created_at_idx" ON "webhook_deliveries" ("created_at")`);
        await queryRunner.query(`
            ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "FK_0b882c26a9b91c26e6e86b4867c" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
        await queryRunner.query(`DROP TABLE "webhook_endpoints"`);
    }
}
