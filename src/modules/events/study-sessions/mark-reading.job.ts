import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inTransaction } from '../../../common/database/transaction';
import { defineJob } from '../../../common/jobs/job';
import { JobsService } from '../../../common/jobs/jobs.service';
import { STATUS_COUNTS_SQL } from '../../reading-lists/reading-lists-access';

/** Every 15 minutes: study sessions that ended mark their GOING attendees READING (see run). */
export const markStudySessionReading = defineJob<Record<string, never>>('events:mark-study-session-reading', { maxAttempts: 3 });
export const MARK_STUDY_SESSION_READING_CRON = '*/15 * * * *';

@Injectable()
export class MarkStudySessionReadingJob {
  constructor(
    jobs: JobsService,
    private readonly dataSource: DataSource,
  ) {
    jobs.register(markStudySessionReading, () => this.run(new Date()).then(() => undefined));
    jobs.schedule(markStudySessionReading, MARK_STUDY_SESSION_READING_CRON, {});
  }

  /**
   * For each link of a study session that ended by `now` (not cancelled) and was not handled yet:
   * GOING attendees with an account who have no status for the item, and who may keep a status on its
   * list (mayKeepReadingStatus), get READING. An existing status — READ above all — is never touched
   * (ON CONFLICT DO NOTHING); the link is then stamped, so a later run (or a status the member clears
   * afterwards) is left alone. Returns how many statuses were added.
   */
  async run(now: Date): Promise<number> {
    return inTransaction(this.dataSource, async (manager) => {
      const links: Array<{ event_id: string; item_id: string }> = await manager.query(
        `SELECT l.event_id, l.item_id FROM event_reading_list_items l JOIN events e ON e.id = l.event_id
          WHERE l.marked_at IS NULL AND e.ends_at <= $1 AND e.status = 'PUBLISHED'
          ORDER BY l.event_id, l.item_id FOR UPDATE OF l SKIP LOCKED`,
        [now],
      );
      if (links.length === 0) return 0;
      const eventIds = links.map((l) => l.event_id);
      const itemIds = links.map((l) => l.item_id);
      const inserted: unknown[] = await manager.query(
        `INSERT INTO reading_statuses (user_id, item_id, status)
         SELECT DISTINCT s.user_id, s.item_id, 'READING'
           FROM (SELECT a.user_id, link.item_id FROM unnest($1::uuid[], $2::uuid[]) AS link(event_id, item_id)
                   JOIN attendances a ON a.event_id = link.event_id AND a.status = 'GOING' AND a.user_id IS NOT NULL) s
           JOIN reading_list_items i ON i.id = s.item_id JOIN reading_lists l ON l.id = i.list_id
          WHERE ${STATUS_COUNTS_SQL}
         ON CONFLICT DO NOTHING RETURNING user_id`,
        [eventIds, itemIds],
      );
      await manager.query(`UPDATE event_reading_list_items SET marked_at = $3 WHERE (event_id, item_id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))`, [
        eventIds,
        itemIds,
        now,
      ]);
      return inserted.length;
    });
  }
}
