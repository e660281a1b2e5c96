/**
 * procvisor's one rule for its own durations: a {@link Duration} is a number of milliseconds, or a string
 * with its unit (`'500ms'`, `'20s'`, `'2m'`, `'1h'`). supervisord's own options keep supervisord's seconds,
 * and their names say so (`startsecs`, `stopwaitsecs`). {@link parseDuration} is the only parser.
 * @module
 */

/** The units a {@link Duration} string may carry: milliseconds, seconds, minutes, hours. */
export type DurationUnit = 'ms' | 's' | 'm' | 'h';

/**
 * A procvisor duration: a number of **milliseconds** (as `setTimeout` takes), or a string with its unit:
 * `'500ms'`, `'20s'`, `'1.5s'`, `'2m'`, `'1h'`. 0 or more, finite. Every procvisor option and wait that takes
 * a time uses it: readiness `timeout`/`interval`, healthcheck `period`/`timeout`/`gracePeriod`, `backoff`
 * `initial`/`max`/`resetAfter`, `retryAfterFatal`, the `timeout` of every wait and of `Supervisor.launch`.
 * supervisord's options are seconds and say so in their names (`startsecs`, `stopwaitsecs`).
 * @example
 * ```ts
 * const web = { command: 'node server.js', readiness: { tcp: 8080, timeout: '30s', interval: '250ms' } };
 * await sup.waitForState('web', 'RUNNING', { timeout: '5s' }); // or { timeout: 5000 }
 * ```
 */
export type Duration = number | `${number}${DurationUnit}`;

const UNIT_MS: Readonly<Record<DurationUnit, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION_TEXT = /^(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h)$/;

/** The message for a value that is not a {@link Duration}, quoting it. */
function notADuration(value: unknown): string {
  const shown =
    typeof value === 'string' ? `'${value}'` : typeof value === 'number' ? String(value) : typeof value;
  return (
    "expected a duration: milliseconds (a number, 0 or more) or text with a unit like '500ms', '20s', '2m', " +
    `'1h'; got ${shown}`
  );
}

/**
 * Whether `value` is a {@link Duration}, and its milliseconds: a finite number of 0 or more is itself, a
 * string is its number times its unit. Nothing else is one (no sign, no space, no unit-less text).
 * @returns the milliseconds, or undefined when `value` is not a duration
 */
export function durationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = DURATION_TEXT.exec(value);
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2] as DurationUnit];
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Parses a {@link Duration} into milliseconds.
 * @param value - a number of milliseconds, or text with a unit (`'20s'`)
 * @param what - what the duration is for, to start the message (`'timeout'`)
 * @throws TypeError quoting the value, e.g. `timeout: expected a duration: ... got '20 secs'`
 * @example
 * ```ts
 * parseDuration('1.5s', 'timeout'); // 1500
 * parseDuration(250, 'interval'); // 250
 * ```
 */
export function parseDuration(value: Duration, what: string): number {
  const ms = durationMs(value);
  if (ms === undefined) throw new TypeError(`${what}: ${notADuration(value)}`);
  return ms;
}

/** The message {@link parseDuration} gives, without the `what:` prefix (for schema issues, which carry a path). */
export const durationMessage = notADuration;

/** A number of milliseconds as people read it in messages: `20 ms`, `1.5 s`, `2 min`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${ms / 1000} s`;
  return `${ms / 60_000} min`;
}
