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
  source: string | null;
}

/**
 * Writes signatures of one petition in one statement, so one implicit transaction: it inserts only
 * while the petition is OPEN and before closesAt, skips emails that have signed, and adds the number
 * inserted to one random count shard. Consent records the organisation's newest wording, else the default.
 */
export const SIGN_STATEMENT = `
WITH open AS (
  SELECT id, organisation_id FROM petitions WHERE id = $1 AND status = 'OPEN' AND (closes_at IS NULL OR closes_at > now())
), wording AS (
  SELECT w.id FROM consent_wordings w, open WHERE w.organisation_id = open.organisation_id OR w.organisation_id IS NULL
   ORDER BY w.organisation_id NULLS LAST, w.created_at DESC LIMIT 1
), added AS (
  INSERT INTO signatures (petition_id, full_name, email, postcode, country, comment, display_publicly, contact_consent, consent_wording_id, consented_at, source)
  SELECT open.id, s.full_name, s.email, s.postcode, s.country, s.comment, s.display_publicly, s.contact_consent,
         CASE WHEN s.contact_consent THEN (SELECT id FROM wording) END, CASE WHEN s.contact_consent THEN now() END, s.source
    FROM open, unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::boolean[], $9::text[])
         AS s(full_name, email, postcode, country, comment, display_publicly, contact_consent, source)
  ON CONFLICT (petition_id, email) DO NOTHING
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
  ];
}

/** A signature waiting for its batch, with the deadline of the request that brought it. */
interface Pending {
  signature: NewSignature;
  deadline?: RequestDeadline;
}

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
  add(signature: NewSignature, deadline?: RequestDeadline): Promise<Outcome> {
    return this.loader.load({ signature, deadline });
  }

  private async write(pending: readonly Pending[]): Promise<Array<Outcome | Error>> {
    const client = await requestPool(this.dataSource).connect();
    let failure: Error | undefined;
    try {
      // Decided with the connection in hand: nothing later than this check can delay the write.
      const live = pending.filter((p) => !p.deadline?.expired);
      const rows = live.map((p) => p.signature);
      const petitionIds = [...new Set(rows.map((r) => r.petitionId))];
      const outcomes = new Map<NewSignature, Outcome>();
      // One connection: the petitions' statements run one after another (each its own implicit transaction).
      const groups = groupByKey(petitionIds, rows, (r) => r.petitionId);
      for (const [i, group] of groups.entries()) {
        // The first of several identical emails in one batch is the one inserted.
        const unique = [...new Map(group.map((r) => [r.email, r])).values()];
        const { rows: results } = await client.query<{ open: boolean; added: string[] }>({
          name: statementName(SIGN_STATEMENT),
          text: SIGN_STATEMENT,
          values: signParameters(petitionIds[i], unique),
        });
        const added = new Set(results[0].added);
        for (const row of group) outcomes.set(row, { open: results[0].open, added: added.delete(row.email) });
      }
      return pending.map(
        (p) => outcomes.get(p.signature) ?? new ServiceUnavailableError('The request timed out before the signature was stored; nothing was stored'),
      );
    } catch (error) {
      failure = error as Error;
      throw error;
    } finally {
      // A failed connection is discarded rather than handed to the next request.
      client.release(failure && isConnectionError(failure) ? failure : undefined);
    }
  }
}
