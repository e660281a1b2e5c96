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
/**
 * The longest result line waited for. supervisord waits for the newline however long the line gets; a
 * listener that writes this much without one is not sending `RESULT <len>`, and holding more for it would
 * let a broken listener grow the host's memory without bound. It is a bad result line.
 */
export const MAX_RESULT_LINE = 4096;

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
  /** The result body so far, in `#result[0, #resultHave)`: one Buffer however it is chunked. */
  #result: Buffer = Buffer.alloc(0);
  #resultHave = 0;
  readonly #hooks: ProtocolHooks;

  constructor(hooks: ProtocolHooks) {
    this.#hooks = hooks;
  }

  /** The current listener state. */
  get state(): ListenerStateName {
    return this.#state;
  }

  /** @internal What the parser holds: bytes (unparsed, and room for the result body) and Buffers (tests). */
  get _held(): { bytes: number; buffers: number } {
    const parts = [this.#buffer, this.#result].filter((b) => b.length > 0);
    return { bytes: parts.reduce((n, b) => n + b.length, 0), buffers: parts.length };
  }

  /** An event was written to the listener: READY becomes BUSY. */
  sent(): void {
    this.#set('BUSY');
  }

  /** The process is gone or was declared broken from outside: UNKNOWN, and ignore whatever follows. */
  unknown(): void {
    this.#buffer = Buffer.alloc(0);
    this.#resultLen = null;
    this.#result = Buffer.alloc(0);
    this.#resultHave = 0;
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
      if (pos === -1) {
        if (this.#buffer.length > MAX_RESULT_LINE) {
          this.#hooks.badResultLine(decodeData(this.#buffer.subarray(0, MAX_RESULT_LINE)));
          this.unknown();
        }
        return false;
      }
      const line = this.#buffer.subarray(0, pos);
      this.#buffer = this.#buffer.subarray(pos + 1);
      const text = line.subarray(RESULT_TOKEN_START_LEN).toString('latin1');
      if (!RESULT_LENGTH.test(text)) {
        this.#hooks.badResultLine(decodeData(line));
        this.unknown();
        return false;
      }
      this.#resultLen = Number(text.trim().replace(/_/g, ''));
      this.#result = Buffer.alloc(0);
      this.#resultHave = 0;
      return true;
    }
    const needed = this.#resultLen - this.#resultHave;
    if (needed > 0) {
      const part = this.#buffer.subarray(0, needed);
      this.#buffer = this.#buffer.subarray(part.length);
      this.#collect(part, this.#resultLen);
      if (this.#resultHave < this.#resultLen) return false;
    }
    const body = this.#result.subarray(0, this.#resultHave);
    this.#resultLen = null;
    this.#result = Buffer.alloc(0);
    this.#resultHave = 0;
    const next = this.#hooks.result(body);
    if (next === 'UNKNOWN') this.unknown();
    else this.#set(next);
    return true;
  }

  /**
   * Copies part of the result body in, growing its one Buffer by doubling (never past `len`, nor ahead of
   * what has arrived by more than that): a body sent a byte at a time costs its bytes, not a Buffer per byte.
   */
  #collect(part: Buffer, len: number): void {
    const have = this.#resultHave;
    if (have + part.length > this.#result.length) {
      const size = Math.min(len, Math.max(have + part.length, this.#result.length * 2, 64));
      const grown = Buffer.allocUnsafe(size);
      this.#result.copy(grown, 0, 0, have);
      this.#result = grown;
    }
    part.copy(this.#result, have);
    this.#resultHave = have + part.length;
  }

  #set(to: ListenerStateName): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    this.#hooks.change(from, to);
  }
}
