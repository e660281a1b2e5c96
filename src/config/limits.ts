/**
 * The upper bounds of a configuration: past them a value would multiply the work of resolving it, or of
 * running it, without end. supervisord has none of these bounds; each is far above any real use.
 * @module
 */

import { MAX_FORMAT_WIDTH } from '../python/format.js';
import { integer } from './datatypes.js';

const NUMPROCS = 10_000;

/** The bounds a configuration is checked against; past one, the {@link ConfigError} names it. */
export const CONFIG_LIMITS = {
  /** `numprocs` of one program or event listener pool. */
  numprocs: NUMPROCS,
  /**
   * `numprocs_start`: every `process_num` stays a safe integer (past 2^53, `process_num + 1` is
   * `process_num` again, and the processes would never end).
   */
  numprocsStart: Number.MAX_SAFE_INTEGER - NUMPROCS,
  /** Processes in the whole configuration (a program listed in several groups counts once per group). */
  processes: 100_000,
  /**
   * Characters of per-process text in the whole configuration: each program's command, process name,
   * directory, log file names, readiness strings and environment (its own and the top-level one, names and
   * values), as written, counted once per process made from them: each process gets its own copy.
   */
  processText: 16 * 1024 * 1024,
  /** `stdout_logfile_backups` / `stderr_logfile_backups`: every rotation renames each backup in turn. */
  logfileBackups: 1_000,
  /** Width and precision of a `%(name)Nd` expansion: the text is built at that length. */
  formatWidth: MAX_FORMAT_WIDTH,
  /** Objects and arrays nested in one another in the input. */
  depth: 64,
} as const;

/** The name of one bound of {@link CONFIG_LIMITS}. */
export type ConfigLimit = keyof typeof CONFIG_LIMITS;

/**
 * `n` when it is at most `max`, the bound `CONFIG_LIMITS[limit]`.
 * @param got the value as written, for the message
 * @throws Error `must be at most 10000 (CONFIG_LIMITS.numprocs), got 20000`
 */
export function atMost(n: number, max: number, limit: ConfigLimit, got: unknown = n): number {
  if (!(n <= max)) throw new Error(`must be at most ${max} (CONFIG_LIMITS.${limit}), got ${String(got)}`);
  return n;
}

/**
 * supervisord's `integer` converter, bounded by `CONFIG_LIMITS[limit]`: for the schema, and for the INI
 * reader, which builds a program's processes before the schema sees them.
 */
export function limitedInteger(limit: ConfigLimit): (value: string | number) => number {
  return (value) => atMost(integer(value), CONFIG_LIMITS[limit], limit, value);
}
