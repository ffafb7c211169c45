// The fault switch over HTTP, as e2e tests use it from another process; run
// by faults.test.ts on each backend's fault-suite instance.
import http from 'node:http';
import { neon } from '@neondatabase/serverless';
import { expect, it } from 'vitest';
import { localDbControl } from './control-client';
import type { FaultContext } from './fault-suite';
import type { Fault } from './index';

/** A GET with a Host header of our choosing (fetch does not let us set one). */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { Host: host } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

export function controlEndpointTests(ctx: () => FaultContext): void {
  it('control endpoint: sets a freeze, reports the held request, clears it so the request runs', async () => {
    const { db } = ctx();
    const control = localDbControl(db.controlUrl);
    const sql = neon(db.databaseUrl);
    await control.setFault({ mode: 'freeze' });
    expect(await control.fault()).toEqual({ mode: 'freeze' });
    expect(db.fault()).toEqual({ mode: 'freeze' });
    const held = Promise.resolve(sql`select 'held' as s`);
    expect(await control.waitForStats((s) => s.held === 1)).toMatchObject({ held: 1 });
    await control.clearFault();
    expect(await held).toEqual([{ s: 'held' }]);
    expect(await control.fault()).toBeNull();
    await control.resetStats();
    expect(await control.stats()).toMatchObject({ sqlRequests: 0, completed: 0 });
  });

  it('control endpoint: keeps the old pause and resume routes, and answers while the database is down', async () => {
    const { db } = ctx();
    const sql = neon(db.databaseUrl);
    expect((await fetch(`${db.controlUrl}/pause`, { method: 'POST' })).status).toBe(204);
    expect(db.fault()).toEqual({ mode: 'destroy' });
    await expect(sql`select 1`).rejects.toThrow(/^Error connecting to database/);
    expect((await fetch(`${db.controlUrl}/pause?mode=unavailable`, { method: 'POST' })).status).toBe(204);
    await expect(sql`select 1`).rejects.toThrow(/HTTP status 503/);
    expect(await localDbControl(db.controlUrl).fault()).toEqual({ mode: 'unavailable' });
    expect((await fetch(`${db.controlUrl}/resume`, { method: 'POST' })).status).toBe(204);
    expect(await sql`select 1 as one`).toEqual([{ one: 1 }]);
  });

  it('control endpoint: refuses bad faults, unknown routes, browsers and foreign Host headers', async () => {
    const { db } = ctx();
    const put = (body: string) =>
      fetch(`${db.controlUrl}/fault`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body });
    expect((await put('{"mode":"slow"}')).status).toBe(400);
    expect((await put('{"mode":"nap"}')).status).toBe(400);
    expect((await put('not json')).status).toBe(400);
    expect((await fetch(`${db.controlUrl}/nothing`)).status).toBe(404);
    const browser = await fetch(`${db.controlUrl}/pause`, {
      method: 'POST',
      headers: { Origin: 'https://evil.example' },
    });
    expect(browser.status).toBe(403);
    expect(await getWithHost(`${db.controlUrl}/stats`, 'evil.example')).toBe(403);
    expect(await getWithHost(`${db.controlUrl}/stats`, `localhost:${db.port}`)).toBe(200);
    expect(db.fault()).toBeNull();
    expect(() => db.setFault({ mode: 'slow' } as Fault)).toThrow(/delayMs/);
  });
}
