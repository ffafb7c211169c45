import { randomToken } from './tokens';

// API key material: `hop_` + 40 base62 characters (238 bits), stored only as
// a SHA-256 hash. A fast hash is right here: the secret is random, not a
// password. Keys we issue are 44 characters; the pattern also admits the
// operator's own INITIAL_API_KEY, so config and the Authorization parser
// agree on one rule.
export const KEY_PATTERN = /^hop_[A-Za-z0-9_-]{32,128}$/;
export const KEY_RULE = '"hop_" followed by 32 to 128 characters of A–Z, a–z, 0–9, _ and -';

export const generateKey = () => `hop_${randomToken(40)}`;

/** What people see of a key: enough to recognise it, useless to use it. */
export const keyPrefix = (secret: string) => secret.slice(0, 12);
