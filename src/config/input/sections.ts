/**
 * The rest of the configuration as people write it: event listener pools, `groups` entries and the whole
 * {@link SupervisorConfig} with supervisord's `[supervisord]` options.
 * @module
 */

import type { EventTypeName } from '../../events/types.js';
import type { ResultHandler } from '../../listeners/types.js';
import type { ProcessOptions, ProgramConfig } from './program.js';
import type { ByteSize, EnvironmentInput, LogLevelName } from './values.js';

/**
 * An event listener pool as you write it in `eventListeners`: supervisord's `[eventlistener:x]`. Every
 * program option but the FastCGI socket, plus `events` (required), `bufferSize` and `resultHandler`.
 * @example
 * ```ts
 * const crashmail: EventListenerConfig = {
 *   command: 'node crashmail.js',
 *   events: ['PROCESS_STATE_EXITED'],
 *   bufferSize: 50,
 * };
 * ```
 */
export interface EventListenerConfig extends ProcessOptions {
  /**
   * The priority of the pool and of its processes. Unset, the pool's is -1 (pools start first and stop
   * last) and each process's 999, as in supervisord. supervisord: `priority`.
   * @default -1 for the pool, 999 for its processes
   */
  priority?: number;
  /**
   * The event types the pool subscribes to; an abstract type (`PROCESS_STATE`, `EVENT`) includes its
   * subtypes. Required. supervisord: `events`.
   * @example `['PROCESS_STATE_EXITED', 'TICK_60']`
   */
  events: readonly EventTypeName[];
  /**
   * Events kept for the pool while no listener is READY; when full, the oldest is dropped. 1 or more.
   * supervisord: `buffer_size`.
   * @default 10
   */
  bufferSize?: number;
  /**
   * What a listener's RESULT body means: a function `(event, body) => ...` that throws `RejectEvent` (or
   * returns false) to reject the event, or supervisord's default spec
   * `'supervisor.dispatchers:default_handler'` (`OK` = processed, anything else = rejected). supervisord:
   * `result_handler`.
   * @default the default handler
   */
  resultHandler?: ResultHandler | 'supervisor.dispatchers:default_handler';
}

/**
 * A `groups` entry: supervisord's `[group:x]`, a heterogeneous group made of several programs.
 * @example `{ programs: ['web', 'worker'], priority: 100 }`
 */
export interface GroupDefinition {
  /**
   * The programs that make this group, in order; they no longer form their own groups. supervisord:
   * `programs`.
   */
  programs: readonly string[];
  /**
   * The group's start order (lower first) and stop order (higher first); its processes keep their own
   * priority. supervisord: `priority`.
   * @default 999
   */
  priority?: number;
}

/**
 * The whole configuration `new Supervisor()` and `resolveConfig()` take: the programs, event listener pools
 * and groups by name, and supervisord's `[supervisord]` options that a library uses. Also published as a
 * JSON Schema (`configJsonSchema`, `procvisor/schema.json`).
 * @example
 * ```ts
 * const config: SupervisorConfig = {
 *   programs: { web: { command: 'node server.js' }, worker: { command: 'node worker.js', numprocs: 2, processName: 'worker-%(process_num)d' } },
 *   groups: { app: { programs: ['web', 'worker'] } },
 *   logfile: '/var/log/procvisor.log',
 * };
 * ```
 */
export interface SupervisorConfig {
  /**
   * The programs, by name: supervisord's `[program:<name>]` (and `[fcgi-program:<name>]`) sections.
   * @default {}
   */
  programs?: Record<string, ProgramConfig>;
  /**
   * Event listener pools, by name: supervisord's `[eventlistener:<name>]` sections.
   * @default {}
   */
  eventListeners?: Record<string, EventListenerConfig>;
  /**
   * Heterogeneous groups, by name: supervisord's `[group:<name>]` sections.
   * @default {}
   */
  groups?: Record<string, GroupDefinition>;
  /**
   * This supervisor's name (getIdentification, event envelopes, AUTO log file names). supervisord:
   * `identifier`.
   * @default 'supervisor'
   */
  identifier?: string;
  /**
   * The directory of AUTO log files. supervisord: `childlogdir`.
   * @default the OS temporary directory (`os.tmpdir()`)
   */
  childlogdir?: string;
  /**
   * Keep old AUTO log files at start instead of deleting them. supervisord: `nocleanup`.
   * @default false
   */
  nocleanup?: boolean;
  /**
   * Variables for every program's children (below each program's own `environment`); also the `%(ENV_X)s`
   * names. supervisord: `environment`.
   * @default {}
   */
  environment?: EnvironmentInput;
  /**
   * Remove ANSI escape sequences from child output before it is logged. supervisord: `strip_ansi`.
   * @default false
   */
  stripAnsi?: boolean;
  /**
   * The supervisor's own server URL, given to children as SUPERVISOR_SERVER_URL; `null` = not given.
   * supervisord: `[supervisorctl] serverurl`.
   * @default null
   */
  serverurl?: string | null;
  /**
   * The directory `%(here)s` expands to (supervisord: the config file's directory).
   * @default the current directory (`process.cwd()`)
   */
  here?: string;
  /**
   * The file descriptors the supervisor wants available. supervisord: `minfds`.
   * @default 1024
   */
  minfds?: number;
  /**
   * The process slots the supervisor wants available. supervisord: `minprocs`.
   * @default 200
   */
  minprocs?: number;
  /**
   * The activity log (`spawned: ...`, `exited: ...`), as supervisord's main log; read with `readLog`.
   * `null` = none (supervisord's default is `$CWD/supervisord.log`; a library writes no file it was not
   * asked for). supervisord: `logfile`.
   * @default null
   */
  logfile?: string | null;
  /**
   * Rotate the activity log at this size; 0 = never. Bytes, or text with a KB/MB/GB suffix. supervisord:
   * `logfile_maxbytes`.
   * @default '50MB'
   */
  logfileMaxbytes?: ByteSize;
  /**
   * Rotated activity logs to keep; 0 = none. supervisord: `logfile_backups`.
   * @default 10
   */
  logfileBackups?: number;
  /**
   * The lowest level written to the activity log: critical, error, warn, info, debug, trace or blather.
   * supervisord: `loglevel`.
   * @default 'info'
   */
  loglevel?: LogLevelName;
}
