import { ADMIN_KEY, bearer } from './accounts';

/** Polls until the link's click count reaches `expected` (recording runs after the response). */
export async function waitForClicks(base: string, id: string, expected: number, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let clicks = -1;
  while (Date.now() < deadline) {
    const res = await fetch(`${base}/api/v1/links/${id}`, { headers: bearer(ADMIN_KEY) });
    clicks = ((await res.json()) as { clicks: number }).clicks;
    if (clicks >= expected) return clicks;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return clicks;
}
