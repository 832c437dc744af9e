import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
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
 * queues it (RECEIVE_SIGNATURE_JOB), so its work and answer never depend on the address's state.
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
 * Pending signatures of one petition: while it is OPEN, one queued job per signature (repeats
 * included), nothing else. The job stores the signature and writes to the address; the request's
 * work is the same whatever that address has done before.
 */
export const QUEUE_STATEMENT = `
WITH open AS (
  SELECT id FROM petitions WHERE id = $1 AND status = 'OPEN' AND (closes_at IS NULL OR closes_at > now())
), queued AS (
  SELECT 1 FROM graphile_worker.add_jobs(ARRAY(
    SELECT ('${RECEIVE_SIGNATURE_JOB}', p, NULL, NULL, $3::smallint, NULL, NULL, NULL)::graphile_worker.job_spec FROM open, unnest($2::json[]) AS p
  ))
)
SELECT EXISTS (SELECT 1 FROM open) AS open, (SELECT count(*) FROM queued)::int AS queued`;

export function queueParameters(petitionId: string, rows: readonly NewSignature[]): unknown[] {
  return [petitionId, rows.map((r) => JSON.stringify(r)), RECEIVE_SIGNATURE_ATTEMPTS];
}

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
export class SignatureBatcher {
  private readonly loader = new DataLoader<Pending, Outcome>((rows) => this.write(rows), {
    cache: false,
    maxBatchSize: 500,
    batchScheduleFn: (flush) => setImmediate(flush),
  });

  constructor(private readonly dataSource: DataSource) {}

  /** Resolves once committed (unless `deadline` expires before a connection is held: SERVICE_UNAVAILABLE): `open` false when the petition no longer takes signatures, `added` false for a repeat. */
  add(signature: NewSignature, mode: SigningMode, deadline?: RequestDeadline): Promise<Outcome> {
    return this.loader.load({ signature, mode, deadline });
  }

  private async write(pending: readonly Pending[]): Promise<Array<Outcome | Error>> {
    const client = await requestPool(this.dataSource).connect();
    let failure: Error | undefined;
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
    }
  }
}
