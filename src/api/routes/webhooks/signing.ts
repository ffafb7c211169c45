// Standard Webhooks signatures (https://www.standardwebhooks.com):
// `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`, keyed by the secret's
// bytes (`whsec_` + base64). Web Crypto only: the same code on every runtime.

const SECRET_PREFIX = 'whsec_';

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));

/** A new signing secret: `whsec_` + base64 of 32 random bytes. */
export const newSecret = () => SECRET_PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(32)));

const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size > 1000) keys.clear(); // a bound, not a cache policy
    const raw = fromBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
    key = crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    keys.set(secret, key);
  }
  return key;
}

/** The `webhook-signature` value: one `v1,<b64>` per secret, space-separated (rotation signs with both). */
export async function sign(secrets: string[], id: string, timestamp: number, body: string): Promise<string> {
  const content = new TextEncoder().encode(`${id}.${timestamp}.${body}`);
  const signatures = await Promise.all(
    secrets.map(async (secret) => {
      const mac = await crypto.subtle.sign('HMAC', await hmacKey(secret), content);
      return `v1,${toBase64(new Uint8Array(mac))}`;
    }),
  );
  return signatures.join(' ');
}
