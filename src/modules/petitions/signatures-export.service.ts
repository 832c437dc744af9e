import { Transform, Writable, pipeline } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import QueryStream from 'pg-query-stream';
import { AccessService } from '../../common/access/access.service';
import type { Actor } from '../../common/auth/actor';
import { DatabasePools } from '../../common/database/database-pools';
import { ForbiddenError } from '../../common/errors/domain-error';
import { RequestContext } from '../../common/graphql/request-context';
import { mayReadSignatures } from './petition-access';
import type { Petition } from './petition.model';
import { PetitionsService } from './petitions.service';

/** The export's columns, in order; also its header row. */
export const SIGNATURE_EXPORT_COLUMNS = [
  'signed_at',
  'full_name',
  'email',
  'postcode',
  'country',
  'comment',
  'display_publicly',
  'contact_consent',
  'consent_wording_id',
  'consented_at',
  'source',
] as const;

/** A signatures row as the export query returns it (node-postgres parses timestamptz into Date). */
export interface SignatureExportRow {
  created_at: Date;
  full_name: string;
  email: string;
  postcode: string | null;
  country: string | null;
  comment: string | null;
  display_publicly: boolean;
  contact_consent: boolean;
  consent_wording_id: string | null;
  consented_at: Date | null;
  source: string | null;
}

/** Confirmed signatures, oldest first, ties broken by id: the (petition_id, created_at, id) index serves it without a sort. */
const EXPORT_QUERY = `
SELECT created_at, full_name, email, postcode, country, comment, display_publicly, contact_consent, consent_wording_id, consented_at, source
  FROM signatures
 WHERE petition_id = $1 AND confirmed_at IS NOT NULL
 ORDER BY created_at, id`;

/** Rows fetched from the server-side cursor per round trip; also the query stream's buffer. */
const BATCH_ROWS = 500;

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * OWASP CSV injection: a cell that starts with `=`, `+`, `-`, `@`, tab or carriage return is
 * prefixed with a single quote, so spreadsheet programs show it as text instead of evaluating it.
 */
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** One CSV record: ISO instants, `true`/`false`, empty cells for nulls, every cell neutralised. */
export function signatureRecord(row: SignatureExportRow): string[] {
  return [
    row.created_at.toISOString(),
    row.full_name,
    row.email,
    row.postcode ?? '',
    row.country ?? '',
    row.comment ?? '',
    String(row.display_publicly),
    String(row.contact_consent),
    row.consent_wording_id ?? '',
    row.consented_at ? row.consented_at.toISOString() : '',
    row.source ?? '',
  ].map(neutraliseCell);
}

/**
 * The signatures CSV of a petition, streamed from PostgreSQL with constant memory: a server-side
 * cursor on a connection of the exports' own pool (never the request pool), piped through the CSV stringifier into the response, each stage
 * waiting for the next (backpressure). The client goes back to the pool when the stream ends, and is
 * discarded (its connection closed) when anything fails or the downloader goes away.
 */
@Injectable()
export class SignaturesExportService {
  private readonly logger = new Logger('SignaturesExport');

  constructor(
    private readonly access: AccessService,
    private readonly petitions: PetitionsService,
    private readonly pools: DatabasePools,
  ) {}

  /**
   * The petition whose signatures `actor` may export: NOT_FOUND when it does not exist or the actor
   * may not see it, FORBIDDEN when they see it but may not read its signers.
   */
  async exportablePetition(actor: Actor, petitionId: string): Promise<Petition> {
    const ctx = new RequestContext(actor, '', '', (a) => this.access.grantsFor(a));
    const petition = await this.petitions.require(ctx, petitionId);
    if (!mayReadSignatures(await ctx.grants(), petition)) throw new ForbiddenError("Only the petition's organisers may export its signatures");
    return petition;
  }

  /**
   * Writes the petition's signatures as CSV (header row first) into `out`. `ready` runs once the
   * database client is held and before the first byte, so the caller can set response headers; an
   * error before that (no client to be had) rejects. Once streaming has begun the promise never
   * rejects: it resolves when the client has been released, whether the CSV was written completely,
   * the query failed (then `out` is destroyed, so the download is visibly cut short) or `out` closed early.
   */
  async writeCsv(petitionId: string, out: Writable, ready: () => void = () => undefined): Promise<void> {
    const client = await this.pools.exportConnection();
    return new Promise<void>((resolve) => {
      let released = false;
      const release = (error?: Error) => {
        if (released) return;
        released = true;
        client.off('error', onClientError);
        // With an error the pool closes the connection instead of reusing it: no half-read portal survives.
        client.release(error);
        resolve();
      };
      // The connection itself failed: the cursor will never finish, so cut the download and let go now.
      const onClientError = (error: Error) => {
        this.logger.error({ error: error.message }, 'database connection failed during a signatures export');
        out.destroy(error);
        release(error);
      };
      client.on('error', onClientError);

      try {
        ready();
        const rows = client.query(new QueryStream(EXPORT_QUERY, [petitionId], { batchSize: BATCH_ROWS }));
        pipeline(rows, toRecords(), stringify({ header: true, columns: [...SIGNATURE_EXPORT_COLUMNS], record_delimiter: 'windows' }), out, (error) => {
          if (error) this.logFailure(error);
          release(error ?? undefined);
        });
      } catch (error) {
        out.destroy(error as Error);
        release(error as Error);
      }
    });
  }

  private logFailure(error: NodeJS.ErrnoException): void {
    if (error.code === 'ERR_STREAM_PREMATURE_CLOSE') this.logger.debug('signatures export closed by the client before the end');
    else this.logger.error({ error: error.message }, 'signatures export failed');
  }
}

/** Query rows into CSV records, one by one. */
function toRecords(): Transform {
  return new Transform({
    objectMode: true,
    transform(row: SignatureExportRow, _encoding, callback) {
      callback(null, signatureRecord(row));
    },
  });
}
