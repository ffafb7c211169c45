// API key material: `hop_` + 40 base62 characters (238 bits), stored only as
// a SHA-256 hash. A fast hash is right here: the secret is random, not a password.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const KEY_PATTERN = /^hop_[A-Za-z0-9_-]{32,128}$/;

/** `length` random characters from [A-Za-z0-9], without modulo bias. */
export function randomToken(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export const generateKey = () => `hop_${randomToken(40)}`;

/** What people see of a key: enough to recognise it, useless to use it. */
export const keyPrefix = (secret: string) => secret.slice(0, 12);

export async function hashKey(secret: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
