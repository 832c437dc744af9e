import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inTransaction } from '../../../common/database/transaction';
import { enqueue } from '../../../common/jobs/job';
import { JobsService } from '../../../common/jobs/jobs.service';
import { claimDueReminders, sendAttendanceMail } from './event-mail-jobs';

/** Reminders claimed per run; a full batch enqueues the next run at once. */
const BATCH = 500;

/**
 * Claims every due reminder of people GOING and enqueues its mail, in one statement: the claim (a row
 * in attendance_reminders, whose primary key admits each (attendance, kind) once) and the mail job
 * commit together or not at all. So with several instances sweeping, and a worker killed mid-batch
 * (its transaction rolls back, the next sweep claims again), each reminder is mailed once; the mail
 * job's cause and key (`reminder-24h:<attendance>`) keep a retried job from sending twice.
 *
 * Due: the 24-hour reminder from 24 hours before the start until 1 hour before; the 1-hour reminder in
 * the last hour. Someone who RSVPs 3 hours before gets only the 1-hour one, 2 hours later.
 */
const CLAIM = `
WITH due AS (
  SELECT a.id AS attendance_id, CASE WHEN e.starts_at <= now() + interval '1 hour' THEN '1h' ELSE '24h' END AS kind
    FROM events e JOIN attendances a ON a.event_id = e.id AND a.status = 'GOING'
   WHERE e.status = 'PUBLISHED' AND e.starts_at > now() AND e.starts_at <= now() + interval '24 hours'
     AND NOT EXISTS (SELECT 1 FROM attendance_reminders r WHERE r.attendance_id = a.id
                      AND r.kind = CASE WHEN e.starts_at <= now() + interval '1 hour' THEN '1h' ELSE '24h' END)
   ORDER BY e.starts_at
   LIMIT $3
), claimed AS (
  INSERT INTO attendance_reminders (attendance_id, kind) SELECT attendance_id, kind FROM due
  ON CONFLICT DO NOTHING
  RETURNING attendance_id, 'reminder-' || kind AS kind
)
SELECT graphile_worker.add_job($1, json_build_object('attendanceId', attendance_id, 'kind', kind, 'cause', kind || ':' || attendance_id),
                               max_attempts => $2, job_key => kind || ':' || attendance_id)
  FROM claimed`;

@Injectable()
export class ClaimDueRemindersJob {
  constructor(
    jobs: JobsService,
    private readonly dataSource: DataSource,
  ) {
    jobs.register(claimDueReminders, async () => void (await this.handle()));
    // Every 5 minutes: reminders leave at most 5 minutes after they are due.
    jobs.schedule(claimDueReminders, '*/5 * * * *', {});
  }

  async handle(): Promise<number> {
    return inTransaction(this.dataSource, async (manager) => {
      const rows: unknown[] = await manager.query(CLAIM, [sendAttendanceMail.name, sendAttendanceMail.maxAttempts, BATCH]);
      if (rows.length === BATCH) await enqueue(manager, claimDueReminders, {}, { jobKey: claimDueReminders.name });
      return rows.length;
    });
  }
}
