import { MigrationInterface, QueryRunner } from "typeorm";

export class PartnerSync1796033872172 implements MigrationInterface {
    name = 'PartnerSync1796033872172'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "idempotency_keys" (
                "caller" text NOT NULL,
                "key" text NOT NULL,
                "request_hash" text NOT NULL,
                "state" text NOT NULL,
                "claim" uuid NOT NULL,
                "locked_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "status" integer,
                "headers" jsonb,
                "body" bytea,
                CONSTRAINT "idempotency_keys_state_check" CHECK ("state" IN ('RUNNING', 'DONE')),
                CONSTRAINT "PK_a661c9488678a6eb48ebb65eb63" PRIMARY KEY ("caller", "key")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "idempotency_keys_expires_at_idx" ON "idempotency_keys" ("expires_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "tombstones" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "organisation_id" uuid NOT NULL,
                "kind" text NOT NULL,
                "subject_id" uuid NOT NULL,
                "deleted_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "change_xid" bigint NOT NULL,
                CONSTRAINT "tombstones_kind_check" CHECK (
                    "kind" IN (
                        'EVENT',
                        'ATTENDANCE',
                        'PETITION',
                        'SIGNATURE',
                        'SUPPORTER',
                        'MEMBERSHIP',
                        'READING_LIST'
                    )
                ),
                CONSTRAINT "PK_3b99239d42d82c2102d9cdd4f5d" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "tombstones_deleted_at_idx" ON "tombstones" ("deleted_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "tombstones_changes_idx" ON "tombstones" ("organisation_id", "change_xid", "id")
        `);
        await queryRunner.query(`
            ALTER TABLE "events"
            ADD "change_xid" bigint NOT NULL DEFAULT 0
        `);
        await queryRunner.query(`
            ALTER TABLE "attendances"
            ADD "change_xid" bigint NOT NULL DEFAULT 0
        `);
        await queryRunner.query(`
            ALTER TABLE "memberships"
            ADD "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now()
        `);
        await queryRunner.query(`
            ALTER TABLE "memberships"
            ADD "change_xid" bigint NOT NULL DEFAULT 0
        `);
        await queryRunner.query(`
            ALTER TABLE "petitions"
            ADD "change_xid" bigint NOT NULL DEFAULT 0
        `);
        await queryRunner.query(`
            ALTER TABLE "petition_signature_counts"
            ADD "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now()
        `);
        await queryRunner.query(`
            ALTER TABLE "petition_signature_counts"
            ADD "change_xid" bigint NOT NULL DEFAULT 0
        `);
        await queryRunner.query(`
            ALTER TABLE "signatures"
            ADD "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now()
        `);
        await queryRunner.query(`
            ALTER TABLE "signatures"
            ADD "change_xid" bigint NOT NULL DEFAULT 0
        `);
        await queryRunner.query(`
            CREATE INDEX "events_changes_idx" ON "events" ("change_xid", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "attendances_changes_idx" ON "attendances" ("event_id", "change_xid", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "petitions_changes_idx" ON "petitions" ("change_xid", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "signatures_changes_idx" ON "signatures" ("petition_id", "change_xid", "id")
        `);
        // Existing rows count as changed before any cursor; from now on the trigger sets both columns.
        for (const table of ['events', 'attendances', 'memberships', 'petitions', 'petition_signature_counts', 'signatures']) {
            await queryRunner.query(`ALTER TABLE "${table}" ALTER COLUMN "change_xid" DROP DEFAULT`);
        }
        // One way to maintain updated_at and change_xid everywhere: this trigger, on every insert and update.
        // now() is the transaction's start, so a row's updated_at never runs ahead of a transaction still running.
        await queryRunner.query(`
            CREATE FUNCTION marea_touch_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.updated_at := now();
                NEW.change_xid := pg_current_xact_id()::text::bigint;
                RETURN NEW;
            END
            $$
        `);
        for (const table of ['events', 'attendances', 'memberships', 'petitions', 'petition_signature_counts', 'signatures']) {
            await queryRunner.query(`CREATE TRIGGER "${table}_touch_change" BEFORE INSERT OR UPDATE ON "${table}" FOR EACH ROW EXECUTE FUNCTION marea_touch_change()`);
        }
        await queryRunner.query(`
            CREATE FUNCTION marea_stamp_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.change_xid := pg_current_xact_id()::text::bigint;
                RETURN NEW;
            END
            $$
        `);
        await queryRunner.query(`CREATE TRIGGER "tombstones_stamp_change" BEFORE INSERT ON "tombstones" FOR EACH ROW EXECUTE FUNCTION marea_stamp_change()`);
        await queryRunner.query(`
            ALTER TABLE "tombstones"
            ADD CONSTRAINT "FK_b0e6db8fa8761099bc5ed6c13f9" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER "tombstones_stamp_change" ON "tombstones"`);
        await queryRunner.query(`DROP FUNCTION marea_stamp_change()`);
        for (const table of ['events', 'attendances', 'memberships', 'petitions', 'petition_signature_counts', 'signatures']) {
            await queryRunner.query(`DROP TRIGGER "${table}_touch_change" ON "${table}"`);
        }
        await queryRunner.query(`DROP FUNCTION marea_touch_change()`);
        await queryRunner.query(`
            ALTER TABLE "tombstones" DROP CONSTRAINT "FK_b0e6db8fa8761099bc5ed6c13f9"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."signatures_changes_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."petitions_changes_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."attendances_changes_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."events_changes_idx"
        `);
        await queryRunner.query(`
            ALTER TABLE "signatures" DROP COLUMN "change_xid"
        `);
        await queryRunner.query(`
            ALTER TABLE "signatures" DROP COLUMN "updated_at"
        `);
        await queryRunner.query(`
            ALTER TABLE "petition_signature_counts" DROP COLUMN "change_xid"
        `);
        await queryRunner.query(`
            ALTER TABLE "petition_signature_counts" DROP COLUMN "updated_at"
        `);
        await queryRunner.query(`
            ALTER TABLE "petitions" DROP COLUMN "change_xid"
        `);
        await queryRunner.query(`
            ALTER TABLE "memberships" DROP COLUMN "change_xid"
        `);
        await queryRunner.query(`
            ALTER TABLE "memberships" DROP COLUMN "updated_at"
        `);
        await queryRunner.query(`
            ALTER TABLE "attendances" DROP COLUMN "change_xid"
        `);
        await queryRunner.query(`
            ALTER TABLE "events" DROP COLUMN "change_xid"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."tombstones_changes_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."tombstones_deleted_at_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "tombstones"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idempotency_keys_expires_at_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "idempotency_keys"
        `);
    }

}
