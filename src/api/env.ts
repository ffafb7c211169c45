import type { RequestIdVariables } from 'hono/request-id';
import type { Config } from './config';
import type { Db } from './db/client';

/** Bindings: Workers env, or process.env inside Next. */
export type Bindings = Record<string, unknown>;

export interface AppEnv {
  Bindings: Bindings;
  Variables: RequestIdVariables & { config: Config; db?: Db };
}
