/**
 * The upper bounds of a configuration: past them a value would multiply the work of resolving it, or of
 * running it, without end. supervisord has none of these bounds; each is far above any real use.
 * @module
 */

import { MAX_FORMAT_WIDTH } from '../python/format.js';

/** The bounds a configuration is checked against; past one, the {@link ConfigError} names it. */
export const CONFIG_LIMITS = {
  /** `numprocs` of one program or event listener pool. */
  numprocs: 10_000,
  /** Processes in the whole configuration (a program listed in several groups counts once per group). */
  processes: 100_000,
  /** `stdout_logfile_backups` / `stderr_logfile_backups`: every rotation renames each backup in turn. */
  logfileBackups: 1_000,
  /** Width and precision of a `%(name)Nd` expansion: the text is built at that length. */
  formatWidth: MAX_FORMAT_WIDTH,
  /** Objects and arrays nested in one another in the input. */
  depth: 64,
} as const;
