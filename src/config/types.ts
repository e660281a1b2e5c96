/**
 * The resolved configuration: what the schema produces from user input after validation, defaults and
 * `%(name)s` expansion. Everything here is fully defaulted and made of new objects, never the user's; it is
 * frozen, RegExps excepted (a frozen RegExp with the `g` or `y` flag cannot run). Nothing downstream reads raw
 * input.
 * @module
 */
import type { EventTypeName } from '../events/types.js';
import type { LogLevel } from './datatypes.js';
import type { FcgiSocketConfig } from './fcgi-socket.js';
import type { LineStampFormat } from '../logging/line-stamps.js';
import type { BackoffPolicy } from '../core/machine.js';
import type { ResultHandler } from '../listeners/types.js';

/** `autorestart`: `true` (always), `false` (never) or `'unexpected'` (when the exit code is not in exitcodes). */
export type AutoRestart = boolean | 'unexpected';

/** A log file setting after resolution: a path, `'AUTO'` (a file in childlogdir) or `null` (NONE). */
export type LogfileSetting = string | 'AUTO' | null;

/** One channel's log options (stdout or stderr), resolved. */
export interface ChannelLogConfig {
  /** Resolved `*_logfile`: path, `'AUTO'`, or `null` for NONE. */
  readonly logfile: LogfileSetting;
  /** Bytes; 0 = never rotate. */
  readonly logfileMaxbytes: number;
  /** Number of rotated backups to keep; 0 = keep none. */
  readonly logfileBackups: number;
  /** procvisor: also rotate on this interval (`'1d'`, `'6h'`, `'30m'`, `'10s'`), or null. */
  readonly logfileInterval: string | null;
  /** procvisor: gzip the rotated files. */
  readonly logfileCompress: boolean;
  /** Bytes; 0 = capture mode off. */
  readonly captureMaxbytes: number;
  /** Emit PROCESS_LOG_* events. */
  readonly eventsEnabled: boolean;
  /** Send lines to syslog. */
  readonly syslog: boolean;
  /** procvisor line timestamps in the log file: the format, or null for none. */
  readonly timestamps: LineStampFormat | null;
}

/** procvisor readiness, resolved: what makes STARTING become RUNNING. */
export type ReadinessConfig = (
  | {
      /** Ready when a line of output matches. */
      readonly kind: 'pattern';
      /**
       * The pattern: a copy of the configured RegExp (same source and flags), or a string given in the config,
       * matched literally.
       */
      readonly pattern: RegExp;
      /** The output watched. */
      readonly channel: 'stdout' | 'stderr' | 'both';
    }
  | {
      /** Ready when a TCP connection succeeds. */
      readonly kind: 'tcp';
      /** The host to connect to. */
      readonly host: string;
      /** The port to connect to. */
      readonly port: number;
    }
  | {
      /** Ready when a GET answers 2xx. */
      readonly kind: 'http';
      /** The URL, expanded per process. */
      readonly url: string;
    }
  | {
      /** Ready when the function returns (or resolves to) something truthy. */
      readonly kind: 'check';
      /** The function; a throw means "not ready yet". */
      readonly check: (process: { name: string; pid: number }) => unknown;
    }
) & {
  /** Milliseconds before the start counts as failed (the `timeout` Duration, parsed). */
  readonly timeout: number;
  /** Milliseconds between attempts (tcp, http, check). */
  readonly interval: number;
  /** Also wait for startsecs. */
  readonly startsecs: boolean;
};

/** procvisor `healthcheck`, resolved: what is checked while RUNNING, and how often. */
export type HealthcheckConfig = (
  | {
      /** A GET of `url` must answer 2xx. */
      readonly kind: 'http';
      /** The URL, expanded per process. */
      readonly url: string;
    }
  | {
      /** A TCP connection must succeed. */
      readonly kind: 'tcp';
      /** The host to connect to. */
      readonly host: string;
      /** The port to connect to. */
      readonly port: number;
    }
  | {
      /** The function must return (or resolve to) something truthy. */
      readonly kind: 'check';
      /** The function; a throw is a failure. */
      readonly check: (process: { name: string; pid: number }) => unknown;
    }
  | {
      /** The command must exit 0. */
      readonly kind: 'exec';
      /** A line run by `/bin/sh -c`, or an argv array. */
      readonly command: string | readonly string[];
    }
) & {
  /** Milliseconds between checks. */
  readonly period: number;
  /** Milliseconds one check may take. */
  readonly timeout: number;
  /** Failed checks in a row that make the process unhealthy. */
  readonly failures: number;
  /** Milliseconds after RUNNING before the first check. */
  readonly gracePeriod: number;
};

/** A `dependsOn` condition: the dependency was spawned, is RUNNING, or exited with an expected code. */
export type DependencyCondition = 'started' | 'ready' | 'exited-ok';

/** One process, resolved from a `[program:x]` (one per `process_num`). */
export interface ProcessConfig {
  /** The process name: `process_name` expanded for this process_num. */
  readonly name: string;
  /** The program (section) name it came from. */
  readonly programName: string;
  /** The group it belongs to: the program name, or the `groups` entry listing it. */
  readonly groupName: string;
  /** This process's `process_num`. */
  readonly processNum: number;
  /** `command` after expansion: a string (split like a POSIX shell, at spawn) or an argv array (not split). */
  readonly command: string | readonly string[];
  readonly priority: number;
  readonly autostart: boolean;
  readonly autorestart: AutoRestart;
  /** Seconds. */
  readonly startsecs: number;
  readonly startretries: number;
  readonly exitcodes: readonly number[];
  /** Signal number (Linux numbering). */
  readonly stopsignal: number;
  /** Seconds. */
  readonly stopwaitsecs: number;
  readonly stopasgroup: boolean;
  readonly killasgroup: boolean;
  /** User name or numeric uid as configured, or null. */
  readonly user: string | null;
  /** Working directory, or null to inherit the host's. */
  readonly directory: string | null;
  /** File mode creation mask, or null to inherit. */
  readonly umask: number | null;
  /** `redirect_stderr`. */
  readonly redirectStderr: boolean;
  /** stdout log options. */
  readonly stdout: ChannelLogConfig;
  /** stderr log options (`logfile` is null when redirectStderr). */
  readonly stderr: ChannelLogConfig;
  /**
   * The merged environment to overlay on the host's: the supervisor's `environment` first, the program's on
   * top (values expanded). The SUPERVISOR_* variables are added at spawn, below these.
   */
  readonly environment: Readonly<Record<string, string>>;
  /** `serverurl`, or null for AUTO/unset (use the supervisor's). */
  readonly serverurl: string | null;
  /** procvisor readiness, or null for supervisord's startsecs rule. */
  readonly readiness: ReadinessConfig | null;
  /** procvisor dependencies of this process's program: program name → condition. */
  readonly dependsOn: Readonly<Record<string, DependencyCondition>>;
  /**
   * procvisor: the dependencies whose unexpected exit from RUNNING stops this process (`'stop'`), or stops
   * it and starts it again once the dependency meets its condition again (`'restart'`). Absent when none.
   */
  readonly dependencyExit?: Readonly<Record<string, 'stop' | 'restart'>>;
  /** procvisor `backoff`: the retry delays; null for supervisord's 1 s, 2 s, 3 s... */
  readonly backoff: BackoffPolicy | null;
  /** procvisor `retryAfterFatal`: milliseconds after FATAL to start again (counting tries afresh); null: never. */
  readonly retryAfterFatal: number | null;
  /** procvisor `healthcheck`, or null. */
  readonly healthcheck: HealthcheckConfig | null;
}

/** What makes a group an event listener pool (supervisord's `EventListenerPoolConfig`). */
export interface ListenerPoolConfig {
  /** The event types subscribed to (upper-case, each once, as configured). */
  readonly events: readonly EventTypeName[];
  /** `buffer_size`: events kept while no listener is READY. */
  readonly bufferSize: number;
  /** The result handler, or null for supervisord's default (`OK` = processed, anything else = rejected). */
  readonly resultHandler: ResultHandler | null;
}

/**
 * A group of processes: one program's processes, a `groups` entry (supervisord's `[group:x]`), or an event
 * listener pool (`[eventlistener:x]`).
 */
export interface GroupConfig {
  readonly name: string;
  readonly priority: number;
  /**
   * `'program'` for a homogeneous group made by one program, `'group'` for a `groups` entry,
   * `'eventlistener'` for an `eventListeners` entry.
   */
  readonly kind: 'program' | 'group' | 'eventlistener';
  /** Set for an event listener pool (kind `'eventlistener'`) only. */
  readonly listener?: ListenerPoolConfig;
  /** The programs it was made from, in order. */
  readonly programs: readonly string[];
  /** Its processes, in supervisord's order. */
  readonly processes: readonly ProcessConfig[];
  /**
   * Set for a FastCGI program's group (a program with `socket`, supervisord's `[fcgi-program:x]`): the socket
   * the host opens and gives to each process as its stdin.
   */
  readonly socket?: FcgiSocketConfig;
}

/** The whole configuration, resolved. */
export interface ResolvedConfig {
  /** `identifier`; default `'supervisor'`. */
  readonly identifier: string;
  /** `childlogdir`; default the OS temporary directory. */
  readonly childlogdir: string;
  /** `nocleanup`; default false. */
  readonly nocleanup: boolean;
  /** `[supervisord] environment` (already merged into each process's environment). */
  readonly environment: Readonly<Record<string, string>>;
  /** `strip_ansi`; default false. */
  readonly stripAnsi: boolean;
  /** The supervisor's own server URL exported to children as SUPERVISOR_SERVER_URL, or null. */
  readonly serverurl: string | null;
  /** `logfile`: the activity log file (`~` expanded), or null for none. */
  readonly logfile: string | null;
  /** `logfile_maxbytes`; 0 = never rotate. */
  readonly logfileMaxbytes: number;
  /** `logfile_backups`; 0 = keep none. */
  readonly logfileBackups: number;
  /** `loglevel`: the lowest level written to the activity log file. */
  readonly loglevel: LogLevel;
  /** Groups sorted by (priority, name), as supervisord sorts them. */
  readonly groups: readonly GroupConfig[];
}
