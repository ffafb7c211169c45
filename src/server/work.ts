import type { ServerInfo } from '../api/lib/platform';

/**
 * The execution context the Node server hands the app: work deferred past a
 * response (click batches, key touches) is kept here, so a shutdown can wait
 * for it, and the app learns it runs in a long-lived process (health).
 */
export class Work {
  readonly #pending = new Set<Promise<unknown>>();
  readonly context: { waitUntil(work: Promise<unknown>): void; passThroughOnException(): void; props: object };

  constructor(server: ServerInfo) {
    this.context = {
      waitUntil: (work) => {
        // The app logs its own failures (lib/platform.ts defer); here only the bookkeeping.
        const tracked: Promise<unknown> = work.catch(() => {}).finally(() => this.#pending.delete(tracked));
        this.#pending.add(tracked);
      },
      passThroughOnException() {},
      props: { hopServer: server },
    };
  }

  get size() {
    return this.#pending.size;
  }

  /** Resolves once nothing deferred is left, including work deferred while waiting. */
  async idle(): Promise<void> {
    while (this.#pending.size) await Promise.all([...this.#pending]);
  }
}
