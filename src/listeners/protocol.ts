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

/** The result length written in `buf[start, end)` as Python's `int()` reads it, or -1 when it is not one. */
function resultLength(buf: Buffer, start: number, end: number): number {
  // Plain digits, short enough to be exact, are what listeners write: read them without making a string.
  if (end > start && end - start <= 15) {
    let n = 0;
    let i = start;
    for (; i < end; i++) {
      const c = buf[i]!;
      if (c < 0x30 || c > 0x39) break;
      n = n * 10 + (c - 0x30);
    }
    if (i === end) return n;
  }
  const text = buf.toString('latin1', start, Math.max(start, end));
  return RESULT_LENGTH.test(text) ? Number(text.trim().replace(/_/g, '')) : -1;
}

const EMPTY = Buffer.alloc(0);

/**
 * The protocol state of one listener process for one spawn (supervisord makes a new dispatcher, in
 * ACKNOWLEDGED, at each spawn).
 */
export class ListenerProtocol {
  #state: ListenerStateName = 'ACKNOWLEDGED';
  /** What the listener wrote and the parser has not consumed yet: `#buffer[#pos, length)`. */
  #buffer: Buffer = EMPTY;
  #pos = 0;
  #resultLen: number | null = null;
  /** The result body so far, in `#result[0, #resultHave)`, when it came in more than one chunk. */
  #result: Buffer = EMPTY;
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
    const unparsed = this.#buffer.length - this.#pos;
    const parts = [unparsed, this.#result.length].filter((n) => n > 0);
    return { bytes: parts.reduce((n, b) => n + b, 0), buffers: parts.length };
  }

  /** An event was written to the listener: READY becomes BUSY. */
  sent(): void {
    this.#set('BUSY');
  }

  /** The process is gone or was declared broken from outside: UNKNOWN, and ignore whatever follows. */
  unknown(): void {
    this.#drop();
    this.#resultLen = null;
    this.#result = EMPTY;
    this.#resultHave = 0;
    this.#set('UNKNOWN');
  }

  /**
   * Handles one chunk of the listener's stdout. The parser moves a position through the chunk rather than
   * slicing it at every token, and joins chunks only when a token spans them.
   */
  feed(chunk: Buffer): void {
    if (this.#pos >= this.#buffer.length) this.#buffer = chunk;
    else this.#buffer = Buffer.concat([this.#buffer.subarray(this.#pos), chunk]);
    this.#pos = 0;
    while (this.#pos < this.#buffer.length || (this.#state === 'BUSY' && this.#resultLen === 0)) {
      if (!this.#step()) break;
    }
    if (this.#pos >= this.#buffer.length) this.#drop();
  }

  /** Forgets the unparsed bytes (and lets the chunk go). */
  #drop(): void {
    this.#buffer = EMPTY;
    this.#pos = 0;
  }

  /** One step of `handle_listener_state_change`; false when more data is needed. */
  #step(): boolean {
    switch (this.#state) {
      case 'UNKNOWN':
        this.#drop();
        return false;
      case 'ACKNOWLEDGED': {
        const pos = this.#pos;
        if (this.#buffer.length - pos < READY_TOKEN.length) return false;
        if (this.#buffer.compare(READY_TOKEN, 0, READY_TOKEN.length, pos, pos + READY_TOKEN.length) === 0) {
          this.#pos = pos + READY_TOKEN.length;
          this.#set('READY');
        } else {
          this.unknown();
        }
        return true;
      }
      case 'READY':
        // Anything the listener writes while it has nothing to answer breaks the protocol.
        this.unknown();
        return false;
      case 'BUSY':
        return this.#busy();
    }
  }

  #busy(): boolean {
    const buf = this.#buffer;
    const pos = this.#pos;
    if (this.#resultLen === null) {
      const nl = buf.indexOf(0x0a, pos);
      if (nl === -1) {
        if (buf.length - pos > MAX_RESULT_LINE) {
          this.#hooks.badResultLine(decodeData(buf.subarray(pos, pos + MAX_RESULT_LINE)));
          this.unknown();
        }
        return false;
      }
      this.#pos = nl + 1;
      const len = resultLength(buf, pos + RESULT_TOKEN_START_LEN, nl);
      if (len < 0) {
        this.#hooks.badResultLine(decodeData(buf.subarray(pos, nl)));
        this.unknown();
        return false;
      }
      this.#resultLen = len;
      this.#result = EMPTY;
      this.#resultHave = 0;
      return true;
    }
    const len = this.#resultLen;
    let body: Buffer;
    if (this.#resultHave === 0 && buf.length - pos >= len) {
      // The whole body is in this chunk: hand over a view of it (the pool does not keep it).
      body = buf.subarray(pos, pos + len);
      this.#pos = pos + len;
    } else {
      const part = buf.subarray(pos, Math.min(buf.length, pos + len - this.#resultHave));
      this.#pos = pos + part.length;
      this.#collect(part, len);
      if (this.#resultHave < len) return false;
      body = this.#result.subarray(0, this.#resultHave);
    }
    this.#resultLen = null;
    this.#result = EMPTY;
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
