// One `pg` Pool per (user, password, database): the HTTP path connects as the
// caller's own credentials, so the backend accepts or rejects them exactly as
// it would for a direct connection.
import pg from 'pg';

export interface Credentials {
  user: string;
  password: string;
  database: string;
}

const MAX_POOLS = 32;

export class PoolCache {
  readonly #pools = new Map<string, pg.Pool>();

  constructor(
    readonly host: string,
    readonly port: number,
    readonly max: number,
    readonly connectTimeoutMs: number,
  ) {}

  get(c: Credentials): pg.Pool {
    const key = `${c.user}\0${c.password}\0${c.database}`;
    let pool = this.#pools.get(key);
    if (pool) return pool;
    if (this.#pools.size >= MAX_POOLS) this.#evictOne();
    pool = new pg.Pool({
      host: this.host,
      port: this.port,
      ...c,
      max: this.max,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: this.connectTimeoutMs,
      application_name: 'localdb',
    });
    // An idle client can die when the backend restarts; the pool replaces it.
    pool.on('error', () => {});
    this.#pools.set(key, pool);
    return pool;
  }

  /** Forget a pool whose credentials were refused, so bad guesses do not pile up. */
  drop(c: Credentials): void {
    const key = `${c.user}\0${c.password}\0${c.database}`;
    const pool = this.#pools.get(key);
    if (!pool) return;
    this.#pools.delete(key);
    void pool.end().catch(() => {});
  }

  #evictOne(): void {
    const [key, pool] = this.#pools.entries().next().value as [string, pg.Pool];
    this.#pools.delete(key);
    void pool.end().catch(() => {});
  }

  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((p) => p.end().catch(() => {})));
  }
}
