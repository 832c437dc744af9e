import DataLoader from 'dataloader';
import type { Grants } from '../access/grants';
import type { Actor } from '../auth/actor';
import { clientAddress } from '../rate-limit/client-address';

/** Per-request state handed to every resolver: the actor, its grants and fresh DataLoaders. */
export class RequestContext {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();
  private grantsPromise?: Promise<Grants>;

  /**
   * The client as per-IP rate limits count it: an IPv4 address, or an IPv6 client's /64 (IPv4-mapped
   * IPv6 as the IPv4 address); see clientAddress.
   */
  readonly ip: string;

  constructor(
    readonly actor: Actor,
    readonly requestId: string,
    ip: string,
    private readonly loadGrants: (actor: Actor) => Promise<Grants>,
  ) {
    this.ip = clientAddress(ip);
  }

  /** The actor's rights, loaded on first use and kept for the request. */
  grants(): Promise<Grants> {
    this.grantsPromise ??= this.loadGrants(this.actor);
    return this.grantsPromise;
  }

  /** Call after a mutation that changes the actor's own memberships or admin rights. */
  refreshGrants(): void {
    this.grantsPromise = undefined;
  }

  /** The request's DataLoader called `name`, created on first use with `batch`. Names are global: `<module>.<what>`. */
  loader<K, V>(name: string, batch: (keys: readonly K[]) => Promise<ReadonlyArray<V | Error>>): DataLoader<K, V> {
    let loader = this.loaders.get(name) as DataLoader<K, V> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V>(batch, { maxBatchSize: 500 });
      this.loaders.set(name, loader as DataLoader<unknown, unknown>);
    }
    return loader;
  }
}

/** Maps `rows` onto `keys` by `keyOf`, for DataLoader batch functions. */
export function byKey<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): Array<V | null> {
  const map = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => map.get(key) ?? null);
}

/** Groups `rows` onto `keys` by `keyOf`, for one-to-many DataLoader batch functions. */
export function groupByKey<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): V[][] {
  const map = new Map<K, V[]>();
  for (const row of rows) {
    const list = map.get(keyOf(row));
    if (list) list.push(row);
    else map.set(keyOf(row), [row]);
  }
  return keys.map((key) => map.get(key) ?? []);
}
