import { MigrationInterface, QueryRunner } from "typeorm";

export class SignatureInbox1796052000000 implements MigrationInterface {
    name = 'SignatureInbox1796052000000'

    // Anonymous signatures land here on the request path (a plain insert: no NOTIFY, no hot row); the
    // drain job turns them into petitions:receive-signature jobs. No foreign key: it would lock the petition row.
    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "signature_inbox" (
                "id" BIGSERIAL NOT NULL,
                "petition_id" uuid NOT NULL,
                "payload" jsonb NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_af268682fb19a7999f3fa5371d9" PRIMARY KEY ("id")
            )
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP TABLE "signature_inbox"
        `);
    }
}
