export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const satisfies readonly LogLevel[];

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** Whether an event at `level` passes `threshold`: lets hot paths skip building the line. */
export const logs = (threshold: LogLevel, level: Exclude<LogLevel, 'silent'>) => RANK[level] >= RANK[threshold];

/** One JSON line per event on stdout/stderr: edge, Workers and Node all collect console output. */
export function log(threshold: LogLevel, level: Exclude<LogLevel, 'silent'>, fields: Record<string, unknown>) {
  if (!logs(threshold, level)) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, ...fields });
  if (level === 'error' || level === 'warn') console.error(line);
  else console.log(line);
}
