import type { RequestIdVariables } from 'hono/request-id';
import type { Config } from './config';

/** Bindings: Workers env, or process.env inside Next. */
export type Bindings = Record<string, unknown>;

// Each layer declares its own context variables (db, principal, caches) on
// hono's ContextVariableMap beside the code that owns them.
export interface AppEnv {
  Bindings: Bindings;
  Variables: RequestIdVariables & { config: Config };
}
