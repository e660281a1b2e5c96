/**
 * What a {@link Process} is given by the supervisor that creates it: seams, the settings of the configuration
 * in force, and where its reports go. It is one fixed shape, made once per supervisor; a process never calls
 * the supervisor's methods.
 * @module
 */
import type { Clock } from '../clock.js';
import type { ActivityLogRecord } from '../events/emitter.js';
import type { SupervisorEvent } from '../events/events.js';
import type { SyslogOptions } from '../logging/syslog.js';
import type { LogErrorRecord } from '../logging/types.js';
import type { Spawner } from '../platform/spawner.js';
import type { CommandResolver, UserResolver } from './spawn-request.js';

/** The supervisor's phase, as a process sees it. */
export type SupervisorPhase = 'new' | 'running' | 'restarting' | 'stopping' | 'stopped';

/** Runs automatic starts on a later turn, paced; everything queued for an owner can be cancelled. */
export interface Deferrer {
  defer(owner: object, fn: () => void): void;
  cancel(owner: object): void;
}

/** Settings read at each spawn: those of the configuration in force. */
export interface ProcessSettings {
  readonly childlogdir: string;
  readonly identifier: string;
  readonly serverurl: string | null;
  readonly stripAnsi: boolean;
  readonly users: UserResolver;
}

/** Where a process's reports go once its own listeners have had them. */
export interface ProcessSink {
  /** An event of this process, for its group, the supervisor and the listener pools. */
  event(event: SupervisorEvent, groupName: string): void;
  /** An activity-log line. */
  log(record: ActivityLogRecord): void;
  /** A log that cannot be written. */
  logError(record: LogErrorRecord): void;
}

/** Everything a process is given. */
export interface ProcessContext {
  readonly clock: Clock;
  readonly spawner: Spawner;
  readonly resolveCommand: CommandResolver;
  readonly deferrer: Deferrer;
  readonly sink: ProcessSink;
  /** Where `*Syslog` output goes; null for the default socket. */
  readonly syslog: SyslogOptions | null;
  phase(): SupervisorPhase;
  settings(): ProcessSettings;
}
