/**
 * A program as people write it: supervisord's `[program:x]` options, camelCased at underscores, with their
 * units and defaults, and procvisor's own options. Checked against the zod schema in both directions by
 * `test/types/config-input.test.ts`.
 * @module
 */

import type { Duration } from '../duration.js';
import type { StderrLogOptions, StdoutLogOptions } from './channel.js';
import type {
  BackoffDefinition,
  DependencyDefinition,
  HealthcheckDefinition,
  ReadinessDefinition,
} from './procvisor.js';
import type { EnvironmentInput, Signal } from './values.js';

/**
 * The options a program and an event listener pool share: how its processes are started, stopped,
 * restarted, logged, and procvisor's readiness, health checks, dependencies and retry policy. Only
 * `command` is required.
 */
export interface ProcessOptions extends StdoutLogOptions, StderrLogOptions {
  /**
   * The command to run: a command line, split like a POSIX shell when the process is spawned, or an argv
   * array (never split). Expanded with the per-process names (each element of an array). A program name
   * without a `/` is looked up on `PATH`. Required. supervisord: `command`.
   * @example `'node server.js --port 80%(process_num)02d'`, `['node', 'server.js']`
   */
  command: string | readonly string[];
  /**
   * The name of each process, expanded per process; must contain `%(process_num)` when `numprocs` > 1.
   * supervisord: `process_name`.
   * @default '%(program_name)s'
   * @example `'%(program_name)s-%(process_num)02d'`
   */
  processName?: string;
  /**
   * How many processes to run (0 = none), at most 10000. supervisord: `numprocs`.
   * @default 1
   */
  numprocs?: number;
  /**
   * The first `process_num` (the processes are numprocsStart … numprocsStart + numprocs - 1). supervisord:
   * `numprocs_start`.
   * @default 0
   */
  numprocsStart?: number;
  /**
   * Start when the supervisor starts. supervisord: `autostart`.
   * @default true
   */
  autostart?: boolean;
  /**
   * Restart after the process exits: `true` = always, `false` = never, `'unexpected'` = when its exit code
   * is not in `exitcodes`. supervisord: `autorestart`.
   * @default 'unexpected'
   */
  autorestart?: boolean | 'unexpected';
  /**
   * Seconds (supervisord's unit; fractions allowed) the process must stay up to be RUNNING; 0 = RUNNING at
   * once. Replaced by `readiness` when that is set. supervisord: `startsecs`.
   * @default 1
   * @example `0.5`
   */
  startsecs?: number;
  /**
   * Failed start attempts (BACKOFF) before giving up (FATAL). supervisord: `startretries`.
   * @default 3
   */
  startretries?: number;
  /**
   * The expected exit codes, each 0..255 (for `autorestart: 'unexpected'` and the EXITED event's
   * `expected`). supervisord: `exitcodes`.
   * @default [0]
   * @example `[0, 2]`
   */
  exitcodes?: readonly number[];
  /**
   * The signal that asks the process to stop: a name with or without `SIG`, or a number. supervisord:
   * `stopsignal`.
   * @default 'TERM'
   * @example `'INT'`, `'SIGQUIT'`, `9`
   */
  stopsignal?: Signal;
  /**
   * Seconds (supervisord's unit; fractions allowed) to wait after `stopsignal` before SIGKILL. supervisord:
   * `stopwaitsecs`.
   * @default 10
   */
  stopwaitsecs?: number;
  /**
   * Send `stopsignal` to the whole process group, not only the process; implies `killasgroup`. supervisord:
   * `stopasgroup`.
   * @default false
   */
  stopasgroup?: boolean;
  /**
   * Send the final SIGKILL to the whole process group. supervisord: `killasgroup`.
   * @default the value of `stopasgroup`
   */
  killasgroup?: boolean;
  /**
   * Run as this user (a name or a numeric uid); needs a supervisor running as root. `null` = the
   * supervisor's user. supervisord: `user`.
   * @default null
   */
  user?: string | number | null;
  /**
   * Send stderr to the stdout log; `stderrLogfile` is then not used. supervisord: `redirect_stderr`.
   * @default false
   */
  redirectStderr?: boolean;
  /**
   * Variables added to the child's environment, over the supervisor's `environment` (values expanded per
   * process). supervisord: `environment`.
   * @default {}
   * @example `{ PORT: '80%(process_num)02d', NODE_ENV: 'production' }`
   */
  environment?: EnvironmentInput;
  /**
   * The working directory of the child, expanded per process; `null` = the host's. supervisord: `directory`.
   * @default null
   */
  directory?: string | null;
  /**
   * The file mode creation mask of the child, as a number (write it in octal: `0o022`); `null` = inherit.
   * supervisord: `umask`.
   * @default null
   * @example `0o022`
   */
  umask?: number | null;
  /**
   * The SUPERVISOR_SERVER_URL given to this program's children; `null` or `'AUTO'` = the supervisor's.
   * supervisord: `serverurl`.
   * @default null
   */
  serverurl?: string | null;
  /**
   * procvisor (not supervisord): what makes STARTING become RUNNING, instead of `startsecs`: an output line,
   * a TCP port, an HTTP URL or a function. See docs/readiness.md.
   * @default null
   * @example `{ tcp: 8080, timeout: '20s' }`
   */
  readiness?: ReadinessDefinition | null;
  /**
   * procvisor (not supervisord): the programs this one waits for before autostart, by name, and what it
   * does when they exit. Shutdown stops dependents first.
   * @default {}
   * @example `{ db: 'ready', migrate: 'exited-ok' }`
   */
  dependsOn?: Record<string, DependencyDefinition>;
  /**
   * procvisor (not supervisord): the delays between failed starts; `null` = supervisord's 1 s, 2 s, 3 s...
   * @default null
   */
  backoff?: BackoffDefinition | null;
  /**
   * procvisor (not supervisord): how long after FATAL to start the process again, counting its tries
   * afresh: a {@link Duration}; `null` = never, as supervisord.
   * @default null
   * @example `'5m'`
   */
  retryAfterFatal?: Duration | null;
  /**
   * procvisor (not supervisord): a check run while the process is RUNNING that restarts it when it fails
   * `failures` times in a row. See docs/readiness.md.
   * @default null
   */
  healthcheck?: HealthcheckDefinition | null;
}

/**
 * The options that make a program a FastCGI program (supervisord's `[fcgi-program:x]`): the host opens one
 * listening socket for the program and gives it to each of its processes as stdin (fd 0).
 */
export interface FcgiOptions {
  /**
   * Makes this a FastCGI program: `'tcp://host:port'` or `'unix:///absolute/path'`, expanded with
   * `%(program_name)s`, `%(here)s` and the other program-level names. A program listed in a `groups` entry
   * cannot have one. supervisord: `socket`.
   * @default undefined (not a FastCGI program)
   * @example `'unix:///run/app/%(program_name)s.sock'`
   */
  socket?: string;
  /**
   * The listen backlog of `socket`, 1 to 65535. supervisord: `socket_backlog`.
   * @default the system's SOMAXCONN
   */
  socketBacklog?: number;
  /**
   * `'user'` or `'user:group'` owning a unix `socket`. supervisord: `socket_owner`.
   * @default the program's `user` when it differs from the host's, else the host's
   */
  socketOwner?: string;
  /**
   * The permission bits of a unix `socket` (write it in octal: `0o660`). supervisord: `socket_mode`.
   * @default 0o700
   */
  socketMode?: number;
}

/**
 * A program as you write it in `programs`: supervisord's `[program:x]` (or, with `socket`,
 * `[fcgi-program:x]`) options, camelCased at underscores (`stdout_logfile_maxbytes` →
 * `stdoutLogfileMaxbytes`), and procvisor's own. Only `command` is required; every other option has
 * supervisord's default. supervisord's times are seconds and say so in their names (`startsecs`,
 * `stopwaitsecs`); procvisor's are {@link Duration}s (milliseconds, or text with a unit such as `'20s'`).
 * @example
 * ```ts
 * const web: ProgramConfig = {
 *   command: 'node server.js --port 80%(process_num)02d',
 *   numprocs: 2,
 *   processName: '%(program_name)s-%(process_num)02d',
 *   stopsignal: 'INT',
 *   stdoutLogfileMaxbytes: '10MB',
 *   readiness: { http: 'http://127.0.0.1:80%(process_num)02d/health', timeout: '20s' },
 * };
 * ```
 */
export interface ProgramConfig extends ProcessOptions, FcgiOptions {
  /**
   * Start order (lower first) and stop order (higher first); also the priority of the program's own group.
   * supervisord: `priority`.
   * @default 999
   */
  priority?: number;
}
