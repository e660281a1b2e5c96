/**
 * The pure part of supervisord's output dispatcher (`supervisor/dispatchers.py POutputDispatcher`): capture
 * mode with its tokens, the bounded capture buffer (`loggers.py BoundIO`) and `strip_ansi`
 * (`dispatchers.py stripEscapes`). No I/O: it turns chunks into calls on an {@link DispatcherSink}.
 * @module
 */
import { ByteQueue } from './byte-queue.js';

/** The token that switches a channel into capture mode (`events.py ProcessCommunicationEvent`). */
export const BEGIN_TOKEN = Buffer.from('<!--XSUPERVISOR:BEGIN-->');
/** The token that ends capture mode and emits PROCESS_COMMUNICATION_*. */
export const END_TOKEN = Buffer.from('<!--XSUPERVISOR:END-->');

const ESC_BEGIN = Buffer.from('\x1b[');
/** Nothing held back (zero-length, so it is shared). */
const EMPTY = Buffer.alloc(0);
/** `dispatchers.py ANSI_TERMINATORS`. */
const ANSI_TERMINATORS = new Set([...'HfABCDRsuJKhlpm'].map((c) => c.charCodeAt(0)));

/**
 * supervisord's `stripEscapes`, byte for byte: drops everything from `ESC [` up to and including the next
 * terminator letter. It works per chunk, so a sequence split between two chunks is not recognised (nor is
 * it in supervisord).
 */
export function stripEscapes(s: Buffer): Buffer {
  const parts: Buffer[] = [];
  let show = true;
  let i = 0;
  const L = s.length;
  while (i < L) {
    if (!show && ANSI_TERMINATORS.has(s[i]!)) {
      show = true;
    } else if (show) {
      const n = s.indexOf(ESC_BEGIN, i);
      if (n === -1) {
        parts.push(s.subarray(i));
        return Buffer.concat(parts);
      }
      parts.push(s.subarray(i, n));
      i = n;
      show = false;
    }
    i += 1;
  }
  return Buffer.concat(parts);
}

/**
 * supervisord's `BoundIO`: an in-memory capture buffer. When a write would exceed `maxbytes` it drops the
 * first `len(chunk)` bytes of what it holds (not an exact trim), so it holds at most about
 * `max(maxbytes, largest chunk)` bytes. They are kept in a {@link ByteQueue}: a write costs its own length,
 * not a copy of everything held, and small writes add no Buffers.
 */
export class BoundBuffer {
  readonly #maxbytes: number;
  readonly #buf = new ByteQueue();

  constructor(maxbytes: number) {
    this.#maxbytes = maxbytes;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.#buf.bytes;
  }

  /** @internal Buffers held (for tests: bounded whatever the chunking). */
  get _blocks(): number {
    return this.#buf.blocks;
  }

  write(b: Buffer): void {
    if (this.#buf.bytes + b.length > this.#maxbytes) this.#buf.drop(b.length);
    this.#buf.push(b);
  }

  getvalue(): Buffer {
    return this.#buf.toBuffer();
  }

  clear(): void {
    this.#buf.clear();
  }
}

/** Where a dispatcher's decisions go. */
export interface DispatcherSink {
  /** Data for the normal log (file, syslog, line followers): supervisord's `childlog` when not capturing. */
  log(data: Buffer): void;
  /** Data supervisord's `_log` saw (normal or captured): a PROCESS_LOG event if enabled. */
  logEvent(data: Buffer): void;
  /** An END token closed a capture: a PROCESS_COMMUNICATION event with everything captured. */
  communication(data: Buffer): void;
}

/** Options of one channel's dispatcher. */
export interface DispatcherOptions {
  /** `*_capture_maxbytes`; 0 turns capture mode off. */
  readonly captureMaxbytes: number;
  /** `strip_ansi`. */
  readonly stripAnsi: boolean;
}

/**
 * One channel's output dispatcher for one child (supervisord makes a new one at each spawn). Feed it every
 * chunk with {@link OutputDispatcher.feed}, and {@link OutputDispatcher.end} when the child is gone.
 */
export class OutputDispatcher {
  readonly #sink: DispatcherSink;
  readonly #stripAnsi: boolean;
  readonly #capture: BoundBuffer | null;
  #capturemode = false;
  #outputBuffer: Buffer = EMPTY;

  constructor(options: DispatcherOptions, sink: DispatcherSink) {
    this.#sink = sink;
    this.#stripAnsi = options.stripAnsi;
    this.#capture = options.captureMaxbytes > 0 ? new BoundBuffer(options.captureMaxbytes) : null;
  }

  /** True between a BEGIN and an END token. */
  get capturing(): boolean {
    return this.#capturemode;
  }

  /** Bytes held back because they may be the start of a token (at most a token's length). */
  get pending(): number {
    return this.#outputBuffer.length;
  }

  /** `handle_read_event` for one chunk. */
  feed(chunk: Buffer): void {
    if (this.#capture === null) {
      // supervisord's shortcut: without capture mode every chunk is logged as is.
      this.#log(chunk);
      return;
    }
    this.#outputBuffer = this.#outputBuffer.length === 0 ? chunk : Buffer.concat([this.#outputBuffer, chunk]);
    this.#recordOutput();
  }

  /**
   * The child is gone. supervisord drops its dispatcher here, losing any bytes held back after an END token
   * (up to 24). procvisor logs them instead, unless they belong to an unfinished capture, which is dropped
   * as in supervisord.
   */
  end(): void {
    const rest = this.#outputBuffer;
    this.#outputBuffer = EMPTY;
    if (!this.#capturemode && rest.length > 0) this.#log(rest);
    this.#capture?.clear();
    this.#capturemode = false;
  }

  /** `removelogs` for the capture buffer: forget what was captured so far. */
  clearCapture(): void {
    this.#capture?.clear();
  }

  /** `record_output`, as a loop instead of supervisord's tail recursion. */
  #recordOutput(): void {
    for (;;) {
      const token = this.#capturemode ? END_TOKEN : BEGIN_TOKEN;
      if (this.#outputBuffer.length <= token.length) return; // not enough data
      const data = this.#outputBuffer;
      this.#outputBuffer = EMPTY;
      const at = data.indexOf(token);
      if (at === -1) {
        const index = findPrefixAtEnd(data, token);
        if (index > 0) {
          this.#outputBuffer = data.subarray(data.length - index);
          this.#log(data.subarray(0, data.length - index));
        } else {
          this.#log(data);
        }
        return;
      }
      this.#log(data.subarray(0, at));
      this.#toggle();
      const after = data.subarray(at + token.length);
      this.#outputBuffer = after;
      if (after.length === 0) return;
    }
  }

  #toggle(): void {
    this.#capturemode = !this.#capturemode;
    if (!this.#capturemode && this.#capture) {
      const data = this.#capture.getvalue();
      this.#capture.clear();
      this.#sink.communication(data);
    }
  }

  /** `_log`: strip, then the current child log (normal or capture), then the PROCESS_LOG event. */
  #log(data: Buffer): void {
    if (data.length === 0) return;
    if (this.#stripAnsi) data = stripEscapes(data);
    if (this.#capturemode && this.#capture) this.#capture.write(data);
    else this.#sink.log(data);
    // supervisord emits PROCESS_LOG for captured text too (dispatchers.py _log), although its docs say not.
    this.#sink.logEvent(data);
  }
}

/** medusa's `find_prefix_at_end`: the length of the longest proper prefix of `needle` ending `haystack`. */
export function findPrefixAtEnd(haystack: Buffer, needle: Buffer): number {
  let l = needle.length - 1;
  while (l > 0) {
    const start = haystack.length - l;
    if (start >= 0 && haystack.subarray(start).equals(needle.subarray(0, l))) break;
    l -= 1;
  }
  return l;
}
