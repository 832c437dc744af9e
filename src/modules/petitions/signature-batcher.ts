import { randomInt } from 'node:crypto';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import DataLoader from 'dataloader';
import { DataSource } from 'typeorm';
import { isConnectionError } from '../../common/database/database-status';
import { requestPool, statementName } from '../../common/database/raw-reads';
import { ServiceUnavailableError } from '../../common/errors/domain-error';
import type { RequestDeadline } from '../../common/request/request-deadline';
import { groupByKey } from '../../common/graphql/request-context';
import { COUNT_SHARDS } from './signature-count.entity';

export interface NewSignature {
  petitionId: string;
  fullName: string;
  /** Normalised. */
  email: string;
  postcode: string | null;
  country: string | null;
  comment: string | null;
  displayPublicly: boolean;
  contactConsent: boolean;
  /** The wording version the signer was shown (checked to be the organisation's); null: the current one. */
  consentWordingId: string | null;
  source: string | null;
}

/**
 * How a signature is written. `confirmed`: verified users signing with their own address and
 * SIGNATURES_WRITE keys, stored and counted at once. `pending`: everyone else; the request only
 * queues it (a `signature_inbox` row, drained into a RECEIVE_SIGNATURE_JOB job), so its work and
 * answer never depend on the address's state.
 */
export type SigningMode = 'confirmed' | 'pending';

/** graphile-worker's task of a queued signature (see jobs/receive-signature.job.ts). */
export const RECEIVE_SIGNATURE_JOB = 'petitions:receive-signature';
export const RECEIVE_SIGNATURE_ATTEMPTS = 12;

/**
 * Signatures that count at once, of one petition in one statement, so one implicit transaction: it
 * writes only while the petition is OPEN and before closesAt; a pending signature of the same address
 * becomes this confirmed one; a confirmed one is left as it is (a repeat never changes it). The number
 * newly confirmed goes to one random count shard. Consent records the wording shown, else the
 * organisation's newest, else the default.
 */
export const SIGN_STATEMENT = `
WITH open AS (
  SELECT id, organisation_id FROM petitions WHERE id = $1 AND status = 'OPEN' AND (closes_at IS NULL OR closes_at > now())
), wording AS (
  SELECT w.id FROM consent_wordings w, open WHERE w.organisation_id = open.organisation_id OR w.organisation_id IS NULL
   ORDER BY w.organisation_id NULLS LAST, w.created_at DESC LIMIT 1
), added AS (
  INSERT INTO signatures AS t (petition_id, full_name, email, postcode, country, comment, display_publicly, contact_consent, consent_wording_id, consented_at, source, confirmed_at)
  SELECT open.id, s.full_name, s.email, s.postcode, s.country, s.comment, s.display_publicly, s.contact_consent,
         CASE WHEN s.contact_consent THEN coalesce(s.wording_id, (SELECT id FROM wording)) END, CASE WHEN s.contact_consent THEN now() END, s.source, now()
    FROM open, unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::boolean[], $9::text[], $11::uuid[])
         AS s(full_name, email, postcode, country, comment, display_publicly, contact_consent, source, wording_id)
  ON CONFLICT (petition_id, email) DO UPDATE SET
    full_name = excluded.full_name, postcode = excluded.postcode, country = excluded.country, comment = excluded.comment,
    display_publicly = excluded.display_publicly, contact_consent = excluded.contact_consent, consent_wording_id = excluded.consent_wording_id,
    consented_at = excluded.consented_at, source = excluded.source, confirmed_at = excluded.confirmed_at
  WHERE t.confirmed_at IS NULL
  RETURNING email
), counted AS (
  UPDATE petition_signature_counts c SET count = c.count + (SELECT count(*) FROM added)
   WHERE c.petition_id = $1 AND c.shard = $10 AND EXISTS (SELECT 1 FROM added)
)
SELECT EXISTS (SELECT 1 FROM open) AS open, coalesce((SELECT array_agg(email) FROM added), '{}') AS added`;

/** The statement's parameters for signatures of one petition (emails already unique). */
export function signParameters(petitionId: string, rows: readonly NewSignature[]): unknown[] {
  return [
    petitionId,
    rows.map((r) => r.fullName),
    rows.map((r) => r.email),
    rows.map((r) => r.postcode),
    rows.map((r) => r.country),
    rows.map((r) => r.comment),
    rows.map((r) => r.displayPublicly),
    rows.map((r) => r.contactConsent),
    rows.map((r) => r.source),
    randomInt(COUNT_SHARDS),
    rows.map((r) => r.consentWordingId),
  ];
}

/**
 * Pending signatures of one petition: while it is OPEN, one row each (repeats included) in
 * `signature_inbox`, nothing else. A plain INSERT: queueing them as graphile-worker jobs here fired
 * a NOTIFY per statement, and NOTIFY serialises commits cluster-wide (signing fell from 2,149 to
 * ~1,725 requests/s). The drain job (jobs/drain-signature-inbox.job.ts) turns the rows into
 * RECEIVE_SIGNATURE_JOB jobs, which store the signature and write to the address; the request's work
 * is the same whatever that address has done before.
 */
export const QUEUE_STATEMENT = `
WITH open AS (
  SELECT id FROM petitions WHERE id = $1 AND status = 'OPEN' AND (closes_at IS NULL OR closes_at > now())
), queued AS (
  INSERT INTO signature_inbox (petition_id, payload) SELECT open.id, p FROM open, unnest($2::jsonb[]) AS p RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM open) AS open, (SELECT count(*) FROM queued)::int AS queued`;

export function queueParameters(petitionId: string, rows: readonly NewSignature[]): unknown[] {
  return [petitionId, rows.map((r) => JSON.stringify(r))];
}

/** graphile-worker's task that moves `signature_inbox` rows into RECEIVE_SIGNATURE_JOB jobs. */
export const DRAIN_SIGNATURE_INBOX_JOB = 'petitions:drain-signature-inbox';
export const DRAIN_SIGNATURE_INBOX_ATTEMPTS = 25;
/** An instance asks for a drain at most once per this many ms (the first ask of a quiet spell at once). */
export const DRAIN_ASK_INTERVAL_MS = 200;

/**
 * Asks for a drain job. The job key collapses concurrent asks (of every instance) into one pending
 * job, and preserve_run_at keeps it due; an ask while a drain runs adds the next one (graphile-worker
 * frees a running job's key), so rows committed during a drain are never left behind.
 */
const ASK_DRAIN_STATEMENT = `SELECT graphile_worker.add_job('${DRAIN_SIGNATURE_INBOX_JOB}', '{}'::json, max_attempts => ${DRAIN_SIGNATURE_INBOX_ATTEMPTS}, job_key => '${DRAIN_SIGNATURE_INBOX_JOB}', job_key_mode => 'preserve_run_at')`;

/** A signature waiting for its batch, with the deadline of the request that brought it. */
interface Pending {
  signature: NewSignature;
  mode: SigningMode;
  deadline?: RequestDeadline;
}

/** `added`: newly counted (confirmed mode only; a pending signature counts once confirmed). */
type Outcome = { open: boolean; added: boolean };

/**
 * Signatures that arrive together are written together: the signPetition calls of one turn of the
 * event loop (across requests) go to PostgreSQL as one statement per petition. Each caller waits for
 * that statement's commit, so nothing is acknowledged before it is stored. A signature whose request
 * has given up (client gone, deadline passed) by the time a connection is held is not written: its
 * caller gets SERVICE_UNAVAILABLE, so nothing is stored that nobody was told about.
 */
@Injectable()
export class SignatureBatcher implements OnModuleDestroy {
  private readonly loader = new DataLoader<Pending, Outcome>((rows) => this.write(rows), {
    cache: false,
    maxBatchSize: 500,
    batchScheduleFn: (flush) => setImmediate(flush),
  });

  private readonly logger = new Logger('SignatureBatcher');
  /** Set while asks are held back; `again`: one was held back, made when the interval ends. */
  private askTimer?: NodeJS.Timeout;
  private askAgain = false;

  constructor(private readonly dataSource: DataSource) {}

  /** Resolves once committed (unless `deadline` expires before a connection is held: SERVICE_UNAVAILABLE): `open` false when the petition no longer takes signatures, `added` false for a repeat. */
  add(signature: NewSignature, mode: SigningMode, deadline?: RequestDeadline): Promise<Outcome> {
    return this.loader.load({ signature, mode, deadline });
  }

  private async write(pending: readonly Pending[]): Promise<Array<Outcome | Error>> {
    const client = await requestPool(this.dataSource).connect();
    let failure: Error | undefined;
    let inboxed = false;
    try {
      // Decided with the connection in hand: nothing later than this check can delay the write.
      const live = pending.filter((p) => !p.deadline?.expired);
      const outcomes = new Map<Pending, Outcome>();
      // One connection: the groups' statements run one after another (each its own implicit transaction).
      const keys = [...new Set(live.map((p) => `${p.mode}:${p.signature.petitionId}`))];
      const groups = groupByKey(keys, live, (p) => `${p.mode}:${p.signature.petitionId}`);
      for (const group of groups) {
        const { petitionId } = group[0].signature;
        if (group[0].mode === 'pending') {
          const { rows: results } = await client.query<{ open: boolean }>({
            name: statementName(QUEUE_STATEMENT),
            text: QUEUE_STATEMENT,
            values: queueParameters(
              petitionId,
              group.map((p) => p.signature),
            ),
          });
          for (const p of group) outcomes.set(p, { open: results[0].open, added: false });
          inboxed ||= results[0].open;
          continue;
        }
        // The first of several identical emails in one batch is the one written.
        const unique = [...new Map(group.map((p) => [p.signature.email, p.signature])).values()];
        const { rows: results } = await client.query<{ open: boolean; added: string[] }>({
          name: statementName(SIGN_STATEMENT),
          text: SIGN_STATEMENT,
          values: signParameters(petitionId, unique),
        });
        const added = new Set(results[0].added);
        for (const p of group) outcomes.set(p, { open: results[0].open, added: added.delete(p.signature.email) });
      }
      return pending.map((p) => outcomes.get(p) ?? new ServiceUnavailableError('The request timed out before the signature was stored; nothing was stored'));
    } catch (error) {
      failure = error as Error;
      throw error;
    } finally {
      // A failed connection is discarded rather than handed to the next request.
      client.release(failure && isConnectionError(failure) ? failure : undefined);
      if (inboxed) this.askForDrain();
    }
  }

  /** Shutdown: an ask held back is made now, while the pool is open. */
  onModuleDestroy(): void {
    clearTimeout(this.askTimer);
    this.askTimer = undefined;
    if (this.askAgain) {
      this.askAgain = false;
      this.askForDrain();
    }
  }

  /**
   * After a commit that added inbox rows: asks for a drain at once unless an ask was made in the last
   * DRAIN_ASK_INTERVAL_MS, in which case once when that interval ends. A failed ask only delays the
   * rows: the every-minute cron drain picks them up.
   */
  private askForDrain(): void {
    if (this.askTimer) {
      this.askAgain = true;
      return;
    }
    // Once the pools are closed (shutdown) the cron drain, in this or another instance, takes the rows.
    if (!this.dataSource.isInitialized) return;
    Promise.resolve()
      .then(() => requestPool(this.dataSource).query(ASK_DRAIN_STATEMENT))
      .catch((error: Error) => this.logger.warn(`asking for a signature inbox drain failed (${error.message}); the cron drain will pick the rows up`));
    this.askTimer = setTimeout(() => {
      this.askTimer = undefined;
      if (!this.askAgain) return;
      this.askAgain = false;
      this.askForDrain();
    }, DRAIN_ASK_INTERVAL_MS);
    this.askTimer.unref();
  }
}
