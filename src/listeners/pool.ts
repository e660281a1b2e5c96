/**
 * EventListenerPool: the group of an `[eventlistener:x]` section. Its processes are supervised like any
 * program's; on top, the pool buffers the events it subscribes to and hands each to one listener process
 * that is RUNNING and READY, following supervisord's protocol (`supervisor/process.py EventListenerPool`,
 * `supervisor/dispatchers.py PEventListenerDispatcher`).
 * @module
 */
import type { GroupConfig } from '../config/types.js';
import type { ActivityLogRecord } from '../events/emitter.js';
import {
  ProcessCommunicationEvent,
  ProcessLogEvent,
  type PayloadParts,
  type ProcessStateEvent,
  type SupervisorEvent,
} from '../events/events.js';
import { isEventSubtype, PROCVISOR_EVENT_TYPES, type EventTypeName } from '../events/types.js';
import type { Process } from '../process/process.js';
import { ProgramGroup } from '../group/program-group.js';
import { Deque } from './event-buffer.js';
import { ListenerProtocol } from './protocol.js';
import {
  defaultResultHandler,
  RejectEvent,
  type BufferOverflowRecord,
  type ListenerStateChangeRecord,
  type ListenerStateName,
  type ResultHandler,
} from './types.js';

/** What a pool needs from its supervisor. Internal. */
export interface PoolHost {
  /** The supervisor's `identifier` (the envelope's `server`). */
  identifier(): string;
  /** The event's global serial, given the first time any pool accepts it. */
  serialOf(event: SupervisorEvent): number;
  /** Writes an activity-log line. */
  log(level: ActivityLogRecord['level'], message: string): void;
  /** Reports a listener state change. */
  listenerStateChange(record: ListenerStateChangeRecord): void;
  /** Reports an event dropped from a full buffer. */
  bufferOverflow(record: BufferOverflowRecord): void;
}

/** An event waiting in a pool's buffer, or sent to a listener. */
interface Entry {
  readonly event: SupervisorEvent;
  readonly serial: number;
  readonly poolserial: number;
}

/** One listener process and its protocol state. */
interface Listener {
  readonly process: Process;
  protocol: ListenerProtocol;
  /** The event sent and not yet answered (supervisord's `process.event`). */
  inFlight: Entry | null;
}

/** Counters of one pool, since it was added. */
export interface PoolStats {
  /** Events the pool subscribed to and buffered (each once; re-buffering is not counted). */
  readonly accepted: number;
  /** Envelopes written to listeners (a redelivery counts again). */
  readonly sent: number;
  /** Results the result handler accepted. */
  readonly processed: number;
  /** Events rejected (by the handler, a protocol violation, or a listener that exited while BUSY). */
  readonly rejected: number;
  /** Events dropped because the buffer was full. */
  readonly dropped: number;
}

const MAX_SERIAL = Number.MAX_SAFE_INTEGER;
const STOPPED_OR_GONE = new Set(['STOPPED', 'EXITED', 'BACKOFF', 'FATAL', 'UNKNOWN']);

/**
 * The group of one `eventListeners` entry (supervisord's `[eventlistener:x]`): its listener processes, the
 * events it subscribes to, and the buffer of events waiting for a READY listener.
 * @example
 * ```ts
 * const sup = new Supervisor({
 *   eventListeners: {
 *     crashmail: { command: 'crashmail -a -m ops@example.com', events: ['PROCESS_STATE_EXITED'] },
 *   },
 * });
 * await sup.start();
 * const pool = sup.getGroup('crashmail') as EventListenerPool;
 * console.log(pool.buffered, pool.getListenerState('crashmail'));
 * ```
 */
export class EventListenerPool extends ProgramGroup {
  /** The event types this pool subscribes to (abstract ones include their subtypes). */
  readonly events: readonly EventTypeName[];
  /** How many events the buffer holds before the oldest is dropped. */
  readonly bufferSize: number;
  readonly #handler: ResultHandler;
  readonly #poolHost: PoolHost;
  readonly #listeners: Listener[];
  readonly #byName = new Map<string, Listener>();
  /** {@link subscribes}, per event type (the subscriptions never change). */
  readonly #subscribed = new Map<EventTypeName, boolean>();
  readonly #buffer = new Deque<Entry>();
  #poolserial = -1;
  #depth = 0;
  #dispatchWanted = false;
  #removed = false;
  #stats = { accepted: 0, sent: 0, processed: 0, rejected: 0, dropped: 0 };

  /** @internal Created by the supervisor. */
  constructor(config: GroupConfig, processes: readonly Process[], host: PoolHost) {
    super(config, processes);
    const listener = config.listener;
    if (!listener) throw new TypeError(`group ${config.name} is not an event listener pool`);
    this.events = listener.events;
    this.bufferSize = listener.bufferSize;
    this.#handler = listener.resultHandler ?? defaultResultHandler;
    this.#poolHost = host;
    this.#listeners = processes.map((process) => {
      const l: Listener = { process, protocol: this.#newProtocol(process), inFlight: null };
      this.#byName.set(process.name, l);
      process._tapStdout((chunk) => this.#guard(() => l.protocol.feed(chunk)));
      return l;
    });
  }

  /** Events waiting in the buffer. */
  get buffered(): number {
    return this.#buffer.length;
  }

  /** The counters of this pool. */
  get stats(): PoolStats {
    return { ...this.#stats };
  }

  /** The listener state of one process of the pool (by process name), or undefined. */
  getListenerState(name: string): ListenerStateName | undefined {
    return this.#byName.get(name)?.protocol.state;
  }

  /** Whether the pool subscribes to events of this type. */
  subscribes(type: EventTypeName): boolean {
    let yes = this.#subscribed.get(type);
    if (yes === undefined) {
      yes = PROCVISOR_EVENT_TYPES.has(type)
        ? this.events.includes(type)
        : this.events.some((t) => isEventSubtype(type, t));
      this.#subscribed.set(type, yes);
    }
    return yes;
  }

  /**
   * @internal Every event the supervisor emits comes here, in emission order (supervisord's `_acceptEvent`
   * subscription, plus the pool watching its own processes' states).
   */
  _notify(event: SupervisorEvent): void {
    if (this.#removed) return;
    this.#guard(() => {
      if (event.type.startsWith('PROCESS_STATE_')) this.#ownState(event as ProcessStateEvent);
      if (this.subscribes(event.type)) {
        this.#stats.accepted++;
        this.#poolserial = this.#poolserial >= MAX_SERIAL ? 0 : this.#poolserial + 1;
        this.#accept({ event, serial: this.#poolHost.serialOf(event), poolserial: this.#poolserial }, false);
      }
    });
  }

  /** @internal The group is being removed: no more events (supervisord's `before_remove`). */
  _remove(): void {
    this.#removed = true;
    this.#buffer.clear();
    for (const l of this.#listeners) l.process._tapStdout(null);
  }

  // ---- internals --------------------------------------------------------------------------------------

  #newProtocol(process: Process): ListenerProtocol {
    const name = process.name;
    return new ListenerProtocol({
      change: (from, to) => this.#changed(name, from, to),
      result: (body) => this.#result(name, body),
      badResultLine: (line) => this.#poolHost.log('warn', `${name}: bad result line: '${line}'`),
    });
  }

  /** A state change of one of our processes: a new spawn starts the protocol afresh; an exit rejects. */
  #ownState(event: ProcessStateEvent): void {
    if (event.groupName !== this.name) return;
    const l = this.#byName.get(event.processName);
    if (!l) return;
    if (event.state === 'STARTING') {
      // supervisord makes a new dispatcher, in ACKNOWLEDGED, at each spawn.
      const from = l.protocol.state;
      l.protocol = this.#newProtocol(l.process);
      l.inFlight = null;
      if (from !== 'ACKNOWLEDGED') {
        this.#poolHost.listenerStateChange({
          pool: this.name,
          process: l.process.name,
          from,
          to: 'ACKNOWLEDGED',
        });
      }
    } else if (event.state === 'RUNNING') {
      this.#dispatchWanted = true;
    } else if (STOPPED_OR_GONE.has(event.state)) {
      // supervisord's finish(): an event the listener had not answered is rejected, so it is sent again.
      this.#reject(l);
    }
  }

  #changed(name: string, from: ListenerStateName, to: ListenerStateName): void {
    const l = this.#byName.get(name);
    this.#poolHost.log('debug', `${name}: ${from} -> ${to}`);
    this.#poolHost.listenerStateChange({ pool: this.name, process: name, from, to });
    if (to === 'UNKNOWN') {
      this.#poolHost.log(
        'warn',
        `${name}: has entered the UNKNOWN state and will no longer receive events, this usually indicates ` +
          'the process violated the eventlistener protocol',
      );
      if (l) this.#reject(l);
    }
    if (to === 'READY') this.#dispatchWanted = true;
  }

  #result(name: string, body: Buffer): 'ACKNOWLEDGED' | 'UNKNOWN' {
    const l = this.#byName.get(name);
    const entry = l?.inFlight ?? null;
    let outcome: 'processed' | 'rejected' | 'error';
    if (!entry) {
      // A result with no event in flight (the event was rejected meanwhile): nothing to hand the handler.
      outcome = 'processed';
    } else {
      try {
        outcome = this.#handler(entry.event, body) === false ? 'rejected' : 'processed';
      } catch (err) {
        outcome = err instanceof RejectEvent ? 'rejected' : 'error';
      }
    }
    if (outcome === 'processed') {
      if (entry) this.#stats.processed++;
      if (l) l.inFlight = null;
      this.#poolHost.log('debug', `${name}: event was processed`);
      return 'ACKNOWLEDGED';
    }
    if (outcome === 'rejected') {
      this.#poolHost.log('warn', `${name}: event was rejected`);
      if (l) this.#reject(l);
      return 'ACKNOWLEDGED';
    }
    // The event stays in flight until the UNKNOWN change rejects it.
    this.#poolHost.log('warn', `${name}: event caused an error`);
    return 'UNKNOWN';
  }

  /** supervisord's EventRejectedEvent, for this pool only: the event goes back to the head of the buffer. */
  #reject(l: Listener): void {
    const entry = l.inFlight;
    if (!entry) return;
    l.inFlight = null;
    this.#stats.rejected++;
    if (this.#removed) return;
    this.#poolHost.log(
      'debug',
      `rebuffering event ${entry.serial} for pool ${this.name} (buf size=${this.#buffer.length}, max=${this.bufferSize})`,
    );
    this.#accept(entry, true);
  }

  /** supervisord's `_acceptEvent`: drop the oldest when full, then append (or put back at the head). */
  #accept(entry: Entry, head: boolean): void {
    if (this.#buffer.length >= this.bufferSize) {
      const dropped = this.#buffer.shift();
      if (dropped) {
        this.#stats.dropped++;
        this.#poolHost.log(
          'error',
          `pool ${this.name} event buffer overflowed, discarding event ${dropped.serial}`,
        );
        this.#poolHost.bufferOverflow({ pool: this.name, ...dropped });
      }
    }
    if (head) this.#buffer.unshift(entry);
    else this.#buffer.push(entry);
    this.#dispatchWanted = true;
  }

  /**
   * Runs `fn`, then dispatches if it made that worthwhile. Dispatching waits for the outermost call, so a
   * result handler or a listener of ours that calls back into the supervisor never sees a half-updated pool.
   */
  #guard(fn: () => void): void {
    this.#depth++;
    try {
      fn();
    } finally {
      this.#depth--;
    }
    if (this.#depth === 0 && this.#dispatchWanted) this.#dispatch();
  }

  /** supervisord's `dispatch`: the oldest event to the first RUNNING and READY listener, while there is one. */
  #dispatch(): void {
    this.#depth++;
    try {
      while (this.#dispatchWanted) {
        this.#dispatchWanted = false;
        while (this.#buffer.length > 0 && !this.#removed) {
          const entry = this.#buffer.peek()!;
          if (!this.#send(entry)) break;
          this.#buffer.shift();
        }
      }
    } finally {
      this.#depth--;
    }
  }

  /** supervisord's `_dispatchEvent`: true if a listener took the event. */
  #send(entry: Entry): boolean {
    for (const l of this.#listeners) {
      if (l.process.state !== 'RUNNING' || l.protocol.state !== 'READY') continue;
      try {
        l.process.sendStdin(this.#envelope(entry));
      } catch {
        // supervisord: EPIPE → try the next listener, state unchanged.
        this.#poolHost.log(
          'debug',
          `epipe occurred while sending event ${entry.serial} to listener ${l.process.name}, listener state unchanged`,
        );
        continue;
      }
      l.inFlight = entry;
      this.#stats.sent++;
      l.protocol.sent();
      this.#poolHost.log('debug', `event ${entry.serial} sent to listener ${l.process.name}`);
      return true;
    }
    return false;
  }

  /**
   * supervisord's `_eventEnvelope`, as one Buffer: the header line, then the payload. `len` is the
   * payload's length in UTF-8 bytes, the unit the protocol documents (supervisord 4.2.5 counts characters,
   * which differs for non-ASCII payloads). An output event's data goes in as read, when decoding and
   * encoding it again would give the same bytes ({@link payloadParts}).
   */
  #envelope(entry: Entry): Buffer {
    const { text, bytes } = payloadParts(entry.event);
    const textLength = Buffer.byteLength(text, 'utf8');
    const header =
      `ver:3.0 server:${this.#poolHost.identifier()} serial:${entry.serial} pool:${this.name} ` +
      `poolserial:${entry.poolserial} eventname:${entry.event.type} ` +
      `len:${textLength + (bytes?.length ?? 0)}\n`;
    const headerLength = Buffer.byteLength(header, 'utf8');
    const out = Buffer.allocUnsafe(headerLength + textLength + (bytes?.length ?? 0));
    out.write(header, 0, 'utf8');
    out.write(text, headerLength, 'utf8');
    if (bytes) out.set(bytes, headerLength + textLength);
    return out;
  }
}

/** An event's payload, as {@link PayloadParts}. */
function payloadParts(event: SupervisorEvent): PayloadParts {
  if (event instanceof ProcessCommunicationEvent || event instanceof ProcessLogEvent) {
    return event._payloadParts();
  }
  return { text: event.serialize(), bytes: null };
}
