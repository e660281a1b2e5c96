/**
 * Event objects. Each has a `type` (supervisord's event type name), camelCase fields, and `serialize()`,
 * which returns exactly the payload supervisord sends an event listener (`supervisor/events.py payload()`).
 * @module
 */
import { isUtf8 } from 'node:buffer';
import type { ProcessStateName } from '../core/states.js';
import { pythonBytesRepr } from '../python/repr.js';

/**
 * One decoder for every call: `fatal` decoding keeps no state between calls without `stream`. `ignoreBOM`
 * keeps a leading byte order mark as U+FEFF, as Python's `bytes.decode('utf-8')` does.
 */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Renders output bytes as supervisord does: UTF-8 text, or `Undecodable: <repr>` when not valid UTF-8. */
export function decodeData(data: Uint8Array): string {
  return isUtf8(data) ? UTF8.decode(data) : `Undecodable: ${pythonBytesRepr(data)}`;
}

/**
 * An event's payload in two parts, `text` then `bytes`: its UTF-8 encoding is exactly
 * `Buffer.from(event.serialize(), 'utf8')`. Output events whose data needs no re-encoding hand the data over
 * as it is, so a listener pool copies it once instead of decoding and encoding it again.
 * @internal
 */
export interface PayloadParts {
  /** The payload's text (all of it when `bytes` is null). */
  readonly text: string;
  /** The bytes that follow the text as they are, or null. */
  readonly bytes: Uint8Array | null;
}

/** The process state event type names. */
export type ProcessStateEventType = `PROCESS_STATE_${ProcessStateName}`;

/**
 * A process changed state (PROCESS_STATE_*).
 * @example
 * ```ts
 * sup.on('PROCESS_STATE_EXITED', (e) => console.log(e.processName, e.expected, e.pid));
 * ```
 */
export class ProcessStateEvent {
  /** `PROCESS_STATE_<state>`: narrows the event in a `switch (e.type)`. */
  readonly type: ProcessStateEventType;
  /** The new state. */
  readonly state: ProcessStateName;
  /** The process name (`web-01`). */
  readonly processName: string;
  /** The group name (`web`). */
  readonly groupName: string;
  /** The state the process left. */
  readonly fromState: ProcessStateName;
  /** STARTING and BACKOFF: the retry counter (supervisord's `backoff`). */
  readonly tries: number | undefined;
  /** EXITED: whether the exit code was in exitcodes. */
  readonly expected: boolean | undefined;
  /** RUNNING, STOPPING, STOPPED, EXITED: the child's pid. */
  readonly pid: number | undefined;

  /** Built by procvisor when the event happens; public so tests and tools can build one. */
  constructor(init: {
    state: ProcessStateName;
    processName: string;
    groupName: string;
    fromState: ProcessStateName;
    tries: number;
    expected: boolean;
    pid: number;
  }) {
    this.state = init.state;
    this.type = `PROCESS_STATE_${init.state}`;
    this.processName = init.processName;
    this.groupName = init.groupName;
    this.fromState = init.fromState;
    const s = init.state;
    this.tries = s === 'STARTING' || s === 'BACKOFF' ? init.tries : undefined;
    this.expected = s === 'EXITED' ? init.expected : undefined;
    this.pid =
      s === 'RUNNING' || s === 'STOPPING' || s === 'STOPPED' || s === 'EXITED' ? init.pid : undefined;
  }

  /** supervisord's payload: no trailing newline. */
  serialize(): string {
    let out = `processname:${this.processName} groupname:${this.groupName} from_state:${this.fromState}`;
    if (this.tries !== undefined) out += ` tries:${this.tries}`;
    if (this.expected !== undefined) out += ` expected:${this.expected ? 1 : 0}`;
    if (this.pid !== undefined) out += ` pid:${this.pid}`;
    return out;
  }
}

/** What a chunk of a process's output carries, for PROCESS_LOG_* and PROCESS_COMMUNICATION_*. */
export interface OutputEventInit {
  /** The process name. */
  processName: string;
  /** The group name. */
  groupName: string;
  /** The child's pid. */
  pid: number;
  /** The channel the bytes came from. */
  channel: 'stdout' | 'stderr';
  /** The bytes, as read from the child's pipe. */
  data: Uint8Array;
}

/** The fields the output events share. */
abstract class OutputEvent {
  /** The process name. */
  readonly processName: string;
  /** The group name. */
  readonly groupName: string;
  /** The child's pid. */
  readonly pid: number;
  /** The channel the bytes came from. */
  readonly channel: 'stdout' | 'stderr';
  /** The raw bytes. */
  readonly data: Uint8Array;

  constructor(init: OutputEventInit) {
    this.processName = init.processName;
    this.groupName = init.groupName;
    this.pid = init.pid;
    this.channel = init.channel;
    this.data = init.data;
  }

  /** `processname:<p> groupname:<g> pid:<pid>` and the given extra header fields. */
  protected header(extra = ''): string {
    return `processname:${this.processName} groupname:${this.groupName} pid:${this.pid}${extra}\n`;
  }

  /**
   * supervisord's payload: the header (with `channel:` for PROCESS_LOG), a newline, then the data, decoded
   * as UTF-8 (`Undecodable: b'…'` when it is not).
   */
  serialize(): string {
    return this.header(this.headerExtra()) + decodeData(this.data);
  }

  /** @internal The payload as {@link PayloadParts}: the header, then the data bytes when they round-trip. */
  _payloadParts(): PayloadParts {
    if (!isUtf8(this.data)) return { text: this.serialize(), bytes: null };
    return { text: this.header(this.headerExtra()), bytes: this.data };
  }

  /** @internal The header fields after `pid`. */
  protected abstract headerExtra(): string;
}

/**
 * PROCESS_LOG_STDOUT / PROCESS_LOG_STDERR: a chunk of output was logged. Emitted only for programs with
 * `stdoutEventsEnabled` / `stderrEventsEnabled`.
 * @example
 * ```ts
 * sup.on('PROCESS_LOG', (e) => process.stdout.write(`[${e.processName}] ${new TextDecoder().decode(e.data)}`));
 * ```
 */
export class ProcessLogEvent extends OutputEvent {
  /** `PROCESS_LOG_STDOUT` or `PROCESS_LOG_STDERR`, after {@link channel}. */
  readonly type: 'PROCESS_LOG_STDOUT' | 'PROCESS_LOG_STDERR';

  /** Built by procvisor when the event happens; public so tests and tools can build one. */
  constructor(init: OutputEventInit) {
    super(init);
    this.type = init.channel === 'stdout' ? 'PROCESS_LOG_STDOUT' : 'PROCESS_LOG_STDERR';
  }

  /** @internal supervisord's header ends with `channel:`. */
  protected headerExtra(): string {
    return ` channel:${this.channel}`;
  }
}

/**
 * PROCESS_COMMUNICATION_STDOUT / _STDERR: text a child sent between capture-mode tokens
 * (`<!--XSUPERVISOR:BEGIN-->` … `<!--XSUPERVISOR:END-->`), for programs with `stdoutCaptureMaxbytes` /
 * `stderrCaptureMaxbytes` above 0.
 * @example
 * ```ts
 * sup.on('PROCESS_COMMUNICATION_STDOUT', (e) => console.log(e.processName, new TextDecoder().decode(e.data)));
 * ```
 */
export class ProcessCommunicationEvent extends OutputEvent {
  /** `PROCESS_COMMUNICATION_STDOUT` or `PROCESS_COMMUNICATION_STDERR`, after {@link channel}. */
  readonly type: 'PROCESS_COMMUNICATION_STDOUT' | 'PROCESS_COMMUNICATION_STDERR';

  /** Built by procvisor when the event happens; public so tests and tools can build one. */
  constructor(init: OutputEventInit) {
    super(init);
    this.type = init.channel === 'stdout' ? 'PROCESS_COMMUNICATION_STDOUT' : 'PROCESS_COMMUNICATION_STDERR';
  }

  /** @internal supervisord's header has no field after `pid`. */
  protected headerExtra(): string {
    return '';
  }
}

/**
 * SUPERVISOR_STATE_CHANGE_RUNNING (from `start()`) / SUPERVISOR_STATE_CHANGE_STOPPING (from `shutdown()`).
 * Payload: empty.
 * @example
 * ```ts
 * sup.on('SUPERVISOR_STATE_CHANGE_STOPPING', () => console.log('shutting down'));
 * ```
 */
export class SupervisorStateChangeEvent {
  /** `SUPERVISOR_STATE_CHANGE_RUNNING` or `SUPERVISOR_STATE_CHANGE_STOPPING`. */
  readonly type: 'SUPERVISOR_STATE_CHANGE_RUNNING' | 'SUPERVISOR_STATE_CHANGE_STOPPING';

  /** Built by procvisor when the event happens; public so tests and tools can build one. */
  constructor(state: 'RUNNING' | 'STOPPING') {
    this.type = `SUPERVISOR_STATE_CHANGE_${state}`;
  }

  /** supervisord's payload: the empty string. */
  serialize(): string {
    return '';
  }
}

/**
 * PROCESS_GROUP_ADDED / _REMOVED: a group became active (`start()`, `addProcessGroup()`, `update()`) or was
 * removed. Payload has a trailing newline, as in supervisord.
 * @example
 * ```ts
 * sup.on('PROCESS_GROUP', (e) => console.log(e.type, e.groupName));
 * ```
 */
export class ProcessGroupEvent {
  /** `PROCESS_GROUP_ADDED` or `PROCESS_GROUP_REMOVED`. */
  readonly type: 'PROCESS_GROUP_ADDED' | 'PROCESS_GROUP_REMOVED';
  /** The group's name. */
  readonly groupName: string;

  /** Built by procvisor when the event happens; public so tests and tools can build one. */
  constructor(kind: 'ADDED' | 'REMOVED', groupName: string) {
    this.type = `PROCESS_GROUP_${kind}`;
    this.groupName = groupName;
  }

  /** supervisord's payload: `groupname:<name>` and a newline. */
  serialize(): string {
    return `groupname:${this.groupName}\n`;
  }
}

/**
 * REMOTE_COMMUNICATION: sent by `Supervisor.sendRemoteCommEvent()` (supervisord's RPC
 * `sendRemoteCommEvent(type, data)`). Payload `type:<type>\n<data>`.
 * @example
 * ```ts
 * sup.on('REMOTE_COMMUNICATION', (e) => console.log(e.remoteType, e.data));
 * await sup.sendRemoteCommEvent('deploy', 'v1.2.3');
 * ```
 */
export class RemoteCommunicationEvent {
  /** Always `REMOTE_COMMUNICATION`. */
  readonly type = 'REMOTE_COMMUNICATION' as const;
  /** The `type` the sender gave (supervisord's `type` attribute; renamed because `type` is the event type). */
  readonly remoteType: string;
  /** The body. */
  readonly data: string;

  /** Built by procvisor when the event happens; public so tests and tools can build one. */
  constructor(remoteType: string, data: string) {
    this.remoteType = remoteType;
    this.data = data;
  }

  /** supervisord's payload: `type:<remoteType>`, a newline, then the data. */
  serialize(): string {
    return `type:${this.remoteType}\n${this.data}`;
  }
}

/** The periods of the TICK events, in seconds, in the order supervisord checks them (`events.py TICK_EVENTS`). */
export const TICK_PERIODS = [5, 60, 3600] as const;

/** A TICK period in seconds. */
export type TickPeriod = (typeof TICK_PERIODS)[number];

/**
 * TICK_5, TICK_60, TICK_3600: a period of wall-clock time began. `when` is its start in epoch seconds
 * (supervisord's `timeslice(period, now)` = `int(now - now % period)`), so TICK_60 events arrive on the minute.
 * Only emitted while something subscribes to them (in-process, or a listener pool).
 * @example
 * ```ts
 * sup.on('TICK_60', (e) => console.log('minute', new Date(e.when * 1000)));
 * ```
 */
export class TickEvent {
  /** `TICK_5`, `TICK_60` or `TICK_3600`. */
  readonly type: `TICK_${TickPeriod}`;
  /** The period in seconds. */
  readonly period: TickPeriod;
  /** Start of the period that just began, in whole epoch seconds. */
  readonly when: number;

  /** Built by procvisor when the event happens; public so tests and tools can build one. */
  constructor(period: TickPeriod, when: number) {
    this.type = `TICK_${period}`;
    this.period = period;
    this.when = when;
  }

  /** supervisord's payload: `when:<epoch seconds>`. */
  serialize(): string {
    return `when:${this.when}`;
  }
}

/** A health check's verdict (procvisor's `healthcheck`). */
export type HealthStatus = 'healthy' | 'unhealthy';

/**
 * PROCESS_HEALTH (procvisor, not supervisord): a process's `healthcheck` changed its verdict: `healthy` after
 * a check passed (the first one, or after failures), `unhealthy` when `failures` checks in a row failed (the
 * process is then restarted). Listener pools get it only when they name it in `events`.
 * @example
 * ```ts
 * sup.on('PROCESS_HEALTH', (e) => console.log(e.processName, e.health, e.failures));
 * ```
 */
export class ProcessHealthEvent {
  /** Always `PROCESS_HEALTH`. */
  readonly type = 'PROCESS_HEALTH' as const;
  /** The process name. */
  readonly processName: string;
  /** The group name. */
  readonly groupName: string;
  /** The child's pid. */
  readonly pid: number;
  /** The new verdict. */
  readonly health: HealthStatus;
  /** Checks failed in a row so far (0 when healthy). */
  readonly failures: number;

  /** Built by procvisor when the event happens; public so tests and tools can build one. */
  constructor(fields: {
    processName: string;
    groupName: string;
    pid: number;
    health: HealthStatus;
    failures: number;
  }) {
    this.processName = fields.processName;
    this.groupName = fields.groupName;
    this.pid = fields.pid;
    this.health = fields.health;
    this.failures = fields.failures;
  }

  /** A payload in supervisord's style: `processname:web groupname:web pid:123 health:unhealthy failures:3`. */
  serialize(): string {
    return (
      `processname:${this.processName} groupname:${this.groupName} pid:${this.pid} ` +
      `health:${this.health} failures:${this.failures}`
    );
  }
}

/** Every event procvisor emits. Narrow with `switch (e.type)`. */
export type SupervisorEvent =
  | ProcessStateEvent
  | ProcessLogEvent
  | ProcessCommunicationEvent
  | RemoteCommunicationEvent
  | SupervisorStateChangeEvent
  | TickEvent
  | ProcessGroupEvent
  | ProcessHealthEvent;
