// Throughput side by side: baseline and subject in alternating rounds, so
// both see the same machine noise; the summary is the median of the rounds.
// CPU per request (server process group, and this process: load generator +
// local database) is steadier than req/s on a shared machine, and says where
// the time goes.
import { readdirSync, readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadOptions {
  rounds: number;
  seconds: number;
  connections: number;
}

export interface Target {
  name: string;
  url: string;
  /** The server's process group (its spawned child is the group leader). */
  pgid?: number;
  /** Database round trips so far (the local server's counter), to report them per request under load. */
  trips?: () => number;
  /** Request headers (e.g. Authorization). */
  headers?: Record<string, string>;
  /** What counts as success: a redirect (default) or a 2xx answer. */
  success?: '3xx' | '2xx';
}

interface Round {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  errors: number;
  /** CPU µs per successful request: the server's process group, and this process. */
  serverCpu: number;
  benchCpu: number;
  /** Database round trips per successful request, background work included. */
  trips: number;
}

export interface Summary extends Omit<Round, 'ok' | 'errors'> {
  name: string;
  rounds: Round[];
  ok: number;
  errors: number;
}

const TICK_US = 10_000; // USER_HZ is 100 on Linux

/** CPU time (µs) of every live process in a group, from /proc; NaN where there is no /proc. */
function groupCpu(pgid: number | undefined): number {
  if (pgid === undefined) return NaN;
  let ticks = 0;
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        // After "(comm) ": state ppid pgrp … utime (index 11) stime (index 12).
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(f[2]) === pgid) ticks += Number(f[11]) + Number(f[12]);
      } catch {
        // The process ended meanwhile.
      }
    }
  } catch {
    return NaN;
  }
  return ticks * TICK_US;
}

const benchCpu = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/**
 * One autocannon run, in a worker thread so the database's work on this
 * thread cannot stall the load generator. Redirects are not followed: a 3xx
 * is the success.
 */
async function once(t: Target, seconds: number, connections: number): Promise<Round> {
  const [server0, bench0, trips0] = [groupCpu(t.pgid), benchCpu(), t.trips?.() ?? NaN];
  const r = await autocannon({
    url: t.url,
    connections,
    duration: seconds,
    pipelining: 1,
    timeout: 10,
    workers: 1,
    headers: t.headers,
  });
  const [server, bench, trips] = [groupCpu(t.pgid) - server0, benchCpu() - bench0, (t.trips?.() ?? NaN) - trips0];
  const success = t.success ?? '3xx';
  const ok = r[success];
  // Anything but the expected class is a failure: other answers, socket errors and timeouts.
  const errors = r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx'] - ok + r.errors;
  const perOk = (us: number) => (ok ? us / ok : NaN);
  return {
    rps: ok / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    ok,
    errors,
    serverCpu: perOk(server),
    benchCpu: perOk(bench),
    trips: perOk(trips),
  };
}

/** Warms each target for 2 s, then runs them in turn, round after round, rotating who goes first. */
export async function sideBySide(targets: Target[], o: LoadOptions): Promise<Summary[]> {
  for (const t of targets) await once(t, 2, o.connections);
  const rounds: Round[][] = targets.map(() => []);
  for (let i = 0; i < o.rounds; i++) {
    // Rotate, so no one always runs right after another's click writes.
    for (let j = 0; j < targets.length; j++) {
      const k = (i + j) % targets.length;
      rounds[k]!.push(await once(targets[k]!, o.seconds, o.connections));
    }
  }
  return targets.map((t, k) => summarise(t.name, rounds[k]!));
}

function summarise(name: string, rounds: Round[]): Summary {
  return {
    name,
    rounds,
    rps: median(rounds.map((r) => r.rps)),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    serverCpu: median(rounds.map((r) => r.serverCpu)),
    benchCpu: median(rounds.map((r) => r.benchCpu)),
    trips: median(rounds.map((r) => r.trips)),
    ok: rounds.reduce((n, r) => n + r.ok, 0),
    errors: rounds.reduce((n, r) => n + r.errors, 0),
  };
}
