import { MigrationInterface, QueryRunner } from "typeorm";

export class AttendancesByUserAndEvent1795839432848 implements MigrationInterface {
    name = 'AttendancesByUserAndEvent1795839432848'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."IDX_aa902e05aeb5fde7c1dd4ced2b"
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_97889faf26bc2db46bfe95f825" ON "attendances" ("user_id", "event_id")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."IDX_97889faf26bc2db46bfe95f825"
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_aa902e05aeb5fde7c1dd4ced2b" ON "attendances" USING btree ("user_id")
        `);
    }

}
