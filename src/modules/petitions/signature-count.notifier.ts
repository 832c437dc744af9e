import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Settings } from '../../common/config/settings';
import { preparedQuery, selectColumns } from '../../common/database/raw-reads';
import { PetitionEntity } from './petition.entity';
import { Petition, SignatureCountUpdate, toPetition } from './petition.model';

/** The PostgreSQL channel every instance LISTENs on; the payload is a petition id. */
export const SIGNATURE_COUNTS_CHANNEL = 'signature_counts';

/** Coalescing window: at most one NOTIFY per petition per window from each instance, one recount per petition per window on each. */
export const COALESCE_MS = 250;

const RECONNECT_FIRST_MS = 250;
const RECONNECT_MAX_MS = 10_000;

/** One statement, one round trip, for every petition that changed in the window. Autocommit: sent at once. */
const NOTIFY = `SELECT pg_notify('${SIGNATURE_COUNTS_CHANNEL}', id) FROM unnest($1::text[]) AS id`;

/** Whether a subscriber may still see the petition (its visibility may have changed since it subscribed). */
export type StillVisible = (petition: Petition) => boolean;

/**
 * One subscriber's stream. It holds at most one undelivered value, the newest, so a slow client
 * never makes the server buffer: it gets the current count when it next reads. A value equal to the
 * last one delivered (or waiting) is dropped.
 */
class CountStream implements AsyncIterableIterator<SignatureCountUpdate> {
  private pending?: SignatureCountUpdate;
  private delivered?: number;
  private waiting?: (result: IteratorResult<SignatureCountUpdate>) => void;
  private ended = false;

  constructor(
    readonly petitionId: string,
    readonly stillVisible: StillVisible,
    private readonly onEnd: (stream: CountStream) => void,
  ) {}

  offer(signatureCount: number): void {
    if (this.ended || signatureCount === (this.pending?.signatureCount ?? this.delivered)) return;
    const update = { petitionId: this.petitionId, signatureCount };
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      this.delivered = signatureCount;
      resolve({ value: update, done: false });
    } else {
      this.pending = update;
    }
  }

  next(): Promise<IteratorResult<SignatureCountUpdate>> {
    if (this.pending) {
      const value = this.pending;
      this.pending = undefined;
      this.delivered = value.signatureCount;
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** Called by graphql-ws when the client completes the subscription or the socket closes. */
  return(): Promise<IteratorResult<SignatureCountUpdate>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.pending = undefined;
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve?.({ value: undefined, done: true });
    this.onEnd(this);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** A petition with subscribers on this instance. */
interface Watch {
  streams: Set<CountStream>;
  /** Set while a recount window is open; notifications in it only mark the petition dirty. */
  window?: NodeJS.Timeout;
  dirty: boolean;
  /** Recounts started and the newest one applied, so a slow older recount never overwrites a newer one. */
  started: number;
  applied: number;
}

/**
 * Live signature counts across instances, through PostgreSQL LISTEN/NOTIFY.
 *
 * Out: `changed()` after a committed signature; the first change in a window schedules one
 * `pg_notify` for every petition that changed in it (never inside the signing statement, which would
 * serialise commits on the notification queue lock).
 * In: one dedicated connection per instance LISTENs on `signature_counts`; a notification for a
 * petition with local subscribers recounts it (the sum of its count shards, with the petition row
 * to re-check visibility) at most once per window — the first at once, the rest at the window's end —
 * and offers the count to each subscriber, who gets it only if it differs from what it last got.
 * Notifications for petitions nobody here watches are ignored. The connection reconnects with
 * backoff and then recounts everything watched, as notifications may have been missed meanwhile.
 */
@Injectable()
export class SignatureCountNotifier implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SignatureCountNotifier.name);
  private readonly unsent = new Set<string>();
  private flushTimer?: NodeJS.Timeout;
  private readonly watches = new Map<string, Watch>();
  private listener?: Client;
  private readonly lost = new WeakSet<Client>();
  private reconnectTimer?: NodeJS.Timeout;
  private reconnectDelay = RECONNECT_FIRST_MS;
  private closed = false;
  private currentSql?: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: Settings,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.listen();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    // Announce what this instance committed in the last window; the pool is still open here.
    await this.flush();
    for (const watch of this.watches.values()) {
      clearTimeout(watch.window);
      for (const stream of [...watch.streams]) stream.end();
    }
    this.watches.clear();
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  /** A signature was added to this petition and committed. */
  changed(petitionId: string): void {
    if (this.closed) return;
    this.unsent.add(petitionId);
    this.flushTimer ??= setTimeout(() => void this.flush(), COALESCE_MS);
  }

  /** The petition's count as it changes, beginning with the current count; ends when the subscriber may no longer see it. */
  subscribe(petitionId: string, stillVisible: StillVisible): AsyncIterableIterator<SignatureCountUpdate> {
    const stream = new CountStream(petitionId, stillVisible, (s) => this.unsubscribe(s));
    if (this.closed) {
      stream.end();
      return stream;
    }
    let watch = this.watches.get(petitionId);
    if (!watch) this.watches.set(petitionId, (watch = { streams: new Set(), dirty: false, started: 0, applied: 0 }));
    watch.streams.add(stream);
    // Not throttled: the current count lets a client start without a race between a query and this subscription.
    void this.recount(petitionId, watch);
    return stream;
  }

  /** How many local subscribers a petition has (0 once it is forgotten); for tests and diagnostics. */
  subscriberCount(petitionId: string): number {
    return this.watches.get(petitionId)?.streams.size ?? 0;
  }

  private unsubscribe(stream: CountStream): void {
    const watch = this.watches.get(stream.petitionId);
    if (!watch?.streams.delete(stream) || watch.streams.size) return;
    clearTimeout(watch.window);
    this.watches.delete(stream.petitionId);
  }

  private async flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.unsent.size) return;
    const ids = [...this.unsent];
    this.unsent.clear();
    try {
      await preparedQuery(this.dataSource, NOTIFY, [ids]);
    } catch (error) {
      // Subscribers catch up with the next signature to these petitions; the stored counts stay exact.
      this.logger.warn({ error: (error as Error).message, petitions: ids.length }, 'could not notify signature count changes');
    }
  }

  private notified(petitionId: string): void {
    const watch = this.watches.get(petitionId);
    if (!watch || this.closed) return;
    if (watch.window) watch.dirty = true;
    else this.recountThrottled(petitionId, watch);
  }

  /** Recounts now and opens a window; a notification inside it recounts once more when it closes. */
  private recountThrottled(petitionId: string, watch: Watch): void {
    watch.dirty = false;
    watch.window = setTimeout(() => {
      watch.window = undefined;
      if (watch.dirty && this.watches.get(petitionId) === watch) this.recountThrottled(petitionId, watch);
    }, COALESCE_MS);
    void this.recount(petitionId, watch);
  }

  private async recount(petitionId: string, watch: Watch): Promise<void> {
    const seq = ++watch.started;
    let row: (PetitionEntity & { signatureCount: number }) | undefined;
    try {
      [row] = await preparedQuery<PetitionEntity & { signatureCount: number }>(this.dataSource, this.currentSqlText(), [petitionId]);
    } catch (error) {
      if (!this.closed) this.logger.warn({ error: (error as Error).message, petitionId }, 'could not read a signature count');
      return;
    }
    if (this.watches.get(petitionId) !== watch || seq <= watch.applied) return;
    watch.applied = seq;
    const petition = row && toPetition(row);
    for (const stream of [...watch.streams]) {
      if (petition && stream.stillVisible(petition)) stream.offer(row!.signatureCount);
      else stream.end();
    }
  }

  /** The petition row (for visibility) and its exact count, the sum of its shards, in one statement. */
  private currentSqlText(): string {
    this.currentSql ??= `SELECT ${selectColumns(this.dataSource.getMetadata(PetitionEntity), 'p')},
        (SELECT coalesce(sum(c.count), 0)::int FROM petition_signature_counts c WHERE c.petition_id = p.id) AS "signatureCount"
       FROM petitions p WHERE p.id = $1`;
    return this.currentSql;
  }

  /** Opens the LISTEN connection; on failure, or when it is lost later, tries again with backoff. */
  private async listen(): Promise<void> {
    this.reconnectTimer = undefined;
    if (this.closed) return;
    const client = new Client({ connectionString: this.settings.databaseUrl, application_name: 'marea-listen', keepAlive: true });
    client.on('notification', (message) => {
      if (message.channel === SIGNATURE_COUNTS_CHANNEL && message.payload) this.notified(message.payload);
    });
    client.on('error', (error) => this.connectionLost(client, error ?? new Error('connection error')));
    client.on('end', () => this.connectionLost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${SIGNATURE_COUNTS_CHANNEL}`);
    } catch (error) {
      this.connectionLost(client, error ?? new Error('connection failed'));
      return;
    }
    if (this.closed || this.lost.has(client)) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
    this.reconnectDelay = RECONNECT_FIRST_MS;
    // Notifications sent while no connection listened are gone: recount everything watched.
    for (const petitionId of this.watches.keys()) this.notified(petitionId);
  }

  private connectionLost(client: Client, error?: unknown): void {
    if (this.lost.has(client)) return;
    this.lost.add(client);
    if (this.listener === client) this.listener = undefined;
    // After an error the socket may still be open; after 'end' there is nothing left to close.
    if (error !== undefined) client.end().catch(() => undefined);
    if (this.closed) return;
    // Once per lost connection; the retries that follow during an outage are debug noise.
    const details = { error: (error as Error | undefined)?.message, retryInMs: this.reconnectDelay };
    if (this.reconnectDelay === RECONNECT_FIRST_MS) this.logger.warn(details, 'signature count listener disconnected');
    else this.logger.debug(details, 'signature count listener still disconnected');
    this.reconnectTimer = setTimeout(() => void this.listen(), this.reconnectDelay);
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_MAX_MS);
  }
}
