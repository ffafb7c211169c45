import autocannon from 'autocannon';
import { expect, inject, it } from 'vitest';
import { ADMIN_KEY, jsonBody, unique } from '../support/accounts';
import { dbControl } from '../support/db-control';
import { waitForClicks } from '../support/clicks';
import { ready, startServe } from '../support/servers';
import { E2E_ENV } from './servers';

// The Node server mode stops without losing a click: SIGTERM in the middle of
// a redirect load, with the database away as it happens, then every 302 a
// client received has its click recorded, and the process exits 0. (Under
// `next start` the buffer is lost: README.)
const shared = inject('servers').serve!;

it('records the click of every redirect it answered when stopped mid-load, and exits 0', async () => {
  const server = await startServe('serve-drain', { ...E2E_ENV, DATABASE_URL: inject('databaseUrl') });
  try {
    await ready(server, '/api/health');
    const slug = unique('drain-');
    const created = await fetch(
      `${server.url}/api/v1/links`,
      jsonBody('POST', ADMIN_KEY, { url: 'https://example.com/', slug }),
    );
    const { id } = (await created.json()) as { id: string };
    const exited = new Promise<number | null>((resolve) => server.process.child.once('exit', (code) => resolve(code)));

    const load = autocannon({
      url: `${server.url}/${slug}`,
      connections: 20,
      duration: 4,
      timeout: 5,
      headers: { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36' },
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // The database goes away as the stop begins: buffered clicks must wait for it, not be dropped.
    await dbControl().setFault({ mode: 'unavailable' });
    process.kill(server.process.child.pid!, 'SIGTERM');
    const result = await load;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await dbControl().clearFault();
    expect(await exited).toBe(0);

    const answered = result['3xx'];
    console.log(`serve drain: ${answered} redirects answered before and during the stop`);
    expect(answered).toBeGreaterThan(100);
    // Read through the shared server: this one is gone.
    expect(await waitForClicks(shared, id, answered, 30_000)).toBeGreaterThanOrEqual(answered);
    expect(await waitForClicks(shared, id, answered, 1_000)).toBeLessThanOrEqual(result.requests.sent);
  } finally {
    await server.process.stop();
  }
}, 90_000);
