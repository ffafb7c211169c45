import { classifyHost } from '../../lib/addresses';

// Where a webhook may point: https on a public host. Plain http only to
// loopback, and only with WEBHOOK_ALLOW_INSECURE (tests, a local receiver).
// Checked when an endpoint is saved and again before every attempt (the
// setting may have changed). Names are not resolved: the edge cannot, so a
// public name that resolves to a private address is not caught here.

/** Why `url` may not receive webhooks, or null when it may. */
export function destinationProblem(url: string, allowInsecure: boolean): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'Must be an absolute https URL';
  }
  if (parsed.username || parsed.password) return 'Must not carry credentials';
  const kind = classifyHost(parsed.hostname);
  if (parsed.protocol === 'http:') {
    if (allowInsecure && kind === 'loopback') return null;
    return allowInsecure ? 'http is allowed for loopback hosts only' : 'Must be https';
  }
  if (parsed.protocol !== 'https:') return 'Must be https';
  if (kind === 'loopback' && allowInsecure) return null;
  if (kind !== 'public') {
    return `Must not point at a ${kind} address (loopback, private, link-local and metadata addresses are refused)`;
  }
  return null;
}
