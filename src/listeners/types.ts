/**
 * Event listener states and the records the pools report (`supervisor/states.py EventListenerStates`).
 * @module
 */
import type { SupervisorEvent } from '../events/events.js';

/**
 * supervisord's event listener states and codes: where a listener process stands in the protocol.
 * ACKNOWLEDGED (waiting for `READY`) at each spawn, READY (may be sent an event), BUSY (an event was sent,
 * waiting for its `RESULT`), UNKNOWN (it broke the protocol: no more events until it is restarted).
 */
export const EventListenerStates = {
  READY: 10,
  BUSY: 20,
  ACKNOWLEDGED: 30,
  UNKNOWN: 40,
} as const;

/** An event listener state name. */
export type ListenerStateName = keyof typeof EventListenerStates;

/** An event listener state code. */
export type ListenerStateCode = (typeof EventListenerStates)[ListenerStateName];

/** A listener process changed listener state (the Supervisor's `listenerStateChange` event). */
export interface ListenerStateChangeRecord {
  /** The pool (group) name. */
  readonly pool: string;
  /** The listener process name. */
  readonly process: string;
  readonly from: ListenerStateName;
  readonly to: ListenerStateName;
}

/**
 * A pool's buffer was full, so its oldest event was dropped to make room (the Supervisor's
 * `eventBufferOverflow` event; supervisord logs `pool <p> event buffer overflowed, discarding event <serial>`).
 */
export interface BufferOverflowRecord {
  /** The pool (group) name. */
  readonly pool: string;
  /** The dropped event. */
  readonly event: SupervisorEvent;
  /** Its global serial (the envelope's `serial`). */
  readonly serial: number;
  /** Its serial in this pool (the envelope's `poolserial`). */
  readonly poolserial: number;
}

/**
 * Decides what a listener's `RESULT` body means, as supervisord's `result_handler` does. Return normally (or
 * return anything but `false`) when the event was processed; throw {@link RejectEvent} (or return `false`) to
 * reject it: it is buffered again and sent again later. Any other exception puts the listener in UNKNOWN and
 * the event is buffered again. Called synchronously; a returned promise is not awaited.
 * @param event - the event the listener was sent
 * @param body - the bytes after `RESULT <n>\n`
 */
export type ResultHandler = (event: SupervisorEvent, body: Buffer) => unknown;

/**
 * Thrown by a {@link ResultHandler} to reject an event (supervisord's `dispatchers.RejectEvent`).
 * @example
 * ```ts
 * const resultHandler: ResultHandler = (event, body) => {
 *   if (body.toString() !== 'OK') throw new RejectEvent(body);
 * };
 * ```
 */
export class RejectEvent extends Error {
  /** The result body that caused the rejection. */
  readonly body: Buffer | undefined;

  /**
   * Rejects the event being handled.
   * @param body - the RESULT body that is being rejected, kept in `body` and quoted in the message
   */
  constructor(body?: Buffer | string) {
    super(`event rejected${body === undefined ? '' : `: ${String(body)}`}`);
    this.name = 'RejectEvent';
    this.body = body === undefined ? undefined : Buffer.from(body);
  }
}

const OK = Buffer.from('OK');

/** supervisord's `default_handler`: a body of `OK` means processed; anything else (`FAIL`) rejects. */
export const defaultResultHandler: ResultHandler = (_event, body) => {
  if (!body.equals(OK)) throw new RejectEvent(body);
};

/** The import spec of supervisord's default result handler; the only spec procvisor accepts as text. */
export const DEFAULT_RESULT_HANDLER_SPEC = 'supervisor.dispatchers:default_handler';
