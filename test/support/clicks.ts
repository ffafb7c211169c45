import { bearer, keyFor } from './accounts';

// A viewer key per server for polling: the admin key's quota stays for the tests themselves.
const pollers = new Map<string, Promise<string>>();
const pollerKey = (base: string) => {
  let key = pollers.get(base);
  if (!key) {
    key = keyFor((path, init) => fetch(base + path, init), 'viewer').then((k) => k.key);
    pollers.set(base, key);
  }
  return key;
};

/** Polls until the link's click count reaches `expected` (recording runs after the response). */
export async function waitForClicks(base: string, id: string, expected: number, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const key = await pollerKey(base);
  let clicks = -1;
  while (Date.now() < deadline) {
    const res = await fetch(`${base}/api/v1/links/${id}`, { headers: bearer(key) });
    if (res.status === 429) {
      await new Promise((resolve) => setTimeout(resolve, Number(res.headers.get('retry-after') ?? 1) * 1000));
      continue;
    }
    clicks = ((await res.json()) as { clicks: number }).clicks;
    if (clicks >= expected) return clicks;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return clicks;
}
