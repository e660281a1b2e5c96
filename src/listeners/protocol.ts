/**
 * The listener side of supervisord's event listener protocol, as a pure byte parser: what a listener
 * writes on its stdout moves it between ACKNOWLEDGED, READY, BUSY and UNKNOWN
 * (`supervisor/dispatchers.py PEventListenerDispatcher.handle_listener_state_change`). No I/O: the pool
 * feeds it every stdout chunk and acts on its callbacks.
 * @module
 */
import { decodeData } from '../events/events.js';
import type { ListenerStateName } from './types.js';

/** `READY\n`: the listener can take an event. */
export const READY_TOKEN = Buffer.from('READY\n');
/** The length of `RESULT ` (supervisord skips this many bytes of the result line without checking them). */
const RESULT_TOKEN_START_LEN = 'RESULT '.length;

/** What the parser reports to its pool. */
export interface ProtocolHooks {
  /** The listener state changed (ACKNOWLEDGED→READY, →UNKNOWN, or after a result). */
  change(from: ListenerStateName, to: ListenerStateName): void;
  /**
   * A complete result arrived while BUSY. Returns the next state: ACKNOWLEDGED (processed or rejected) or
   * UNKNOWN (the handler failed).
   */
  result(body: Buffer): 'ACKNOWLEDGED' | 'UNKNOWN';
  /** The result line could not be parsed (reported before the listener goes UNKNOWN). */
  badResultLine(line: string): void;
}

// Python's int() on bytes: surrounding ASCII whitespace, an optional sign, digits with single underscores.
// A negative length makes no sense (supervisord mishandles it), so it is a bad result line here.
const RESULT_LENGTH = /^[ \t\n\v\f\r]*\+?\d+(?:_\d+)*[ \t\n\v\f\r]*$/;

/**
 * The protocol state of one listener process for one spawn (supervisord makes a new dispatcher, in
 * ACKNOWLEDGED, at each spawn).
 */
export class ListenerProtocol {
  #state: ListenerStateName = 'ACKNOWLEDGED';
  #buffer: Buffer = Buffer.alloc(0);
  #resultLen: number | null = null;
  #result: Buffer[] = [];
  #resultHave = 0;
  readonly #hooks: ProtocolHooks;

  constructor(hooks: ProtocolHooks) {
    this.#hooks = hooks;
  }

  /** The current listener state. */
  get state(): ListenerStateName {
    return this.#state;
  }

  /** An event was written to the listener: READY becomes BUSY. */
  sent(): void {
    this.#set('BUSY');
  }

  /** The process is gone or was declared broken from outside: UNKNOWN, and ignore whatever follows. */
  unknown(): void {
    this.#buffer = Buffer.alloc(0);
    this.#set('UNKNOWN');
  }

  /** Handles one chunk of the listener's stdout. */
  feed(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    while (this.#buffer.length > 0 || (this.#state === 'BUSY' && this.#resultLen === 0)) {
      if (!this.#step()) return;
    }
  }

  /** One step of `handle_listener_state_change`; false when more data is needed. */
  #step(): boolean {
    switch (this.#state) {
      case 'UNKNOWN':
        this.#buffer = Buffer.alloc(0);
        return false;
      case 'ACKNOWLEDGED':
        if (this.#buffer.length < READY_TOKEN.length) return false;
        if (this.#buffer.subarray(0, READY_TOKEN.length).equals(READY_TOKEN)) {
          this.#buffer = this.#buffer.subarray(READY_TOKEN.length);
          this.#set('READY');
        } else {
          this.unknown();
        }
        return true;
      case 'READY':
        // Anything the listener writes while it has nothing to answer breaks the protocol.
        this.unknown();
        return false;
      case 'BUSY':
        return this.#busy();
    }
  }

  #busy(): boolean {
    if (this.#resultLen === null) {
      const pos = this.#buffer.indexOf(0x0a);
      if (pos === -1) return false;
      const line = this.#buffer.subarray(0, pos);
      this.#buffer = this.#buffer.subarray(pos + 1);
      const text = line.subarray(RESULT_TOKEN_START_LEN).toString('latin1');
      if (!RESULT_LENGTH.test(text)) {
        this.#hooks.badResultLine(decodeData(line));
        this.unknown();
        return false;
      }
      this.#resultLen = Number(text.trim().replace(/_/g, ''));
      this.#result = [];
      this.#resultHave = 0;
      return true;
    }
    const needed = this.#resultLen - this.#resultHave;
    if (needed > 0) {
      const part = this.#buffer.subarray(0, needed);
      this.#buffer = this.#buffer.subarray(part.length);
      this.#result.push(part);
      this.#resultHave += part.length;
      if (this.#resultHave < this.#resultLen) return false;
    }
    const body = Buffer.concat(this.#result);
    this.#resultLen = null;
    this.#result = [];
    this.#resultHave = 0;
    const next = this.#hooks.result(body);
    if (next === 'UNKNOWN') this.unknown();
    else this.#set(next);
    return true;
  }

  #set(to: ListenerStateName): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    this.#hooks.change(from, to);
  }
}
