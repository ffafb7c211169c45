import type { Policy } from './policies';

/** One quota to count (or, with `peek`, only to read) for one partition. */
export interface LimitCheck {
  policy: Policy;
  /** The partition: an API key's id, or a client address. */
  id: string;
  peek?: boolean;
}

export interface LimitState {
  policy: Policy;
  /** What is left of the quota after this request. */
  remaining: number;
  /** When the window ends and the whole quota is back (epoch ms). */
  resetAt: number;
  /** This request is over the quota (for a peek: the quota is used up). */
  exceeded: boolean;
}

/** Where counts live. `check` is one round trip to the store, however many checks it carries. */
export interface LimitStore {
  /** Shared by every instance (exact across them), or this instance's alone. */
  readonly shared: boolean;
  check(checks: LimitCheck[]): Promise<LimitState[]>;
}
