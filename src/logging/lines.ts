/**
 * Following a process's output line by line (`for await (const line of proc.lines('stdout'))`), like
 * `supervisorctl tail -f`, with bounded memory whatever the reader's speed.
 * @module
 */
import { ByteQueue } from './byte-queue.js';

/** Options of `Process.lines()`. */
export interface LinesOptions {
  /**
   * Bytes of complete lines kept for a reader that is behind. When more arrive, the oldest waiting lines
   * are dropped and the reader gets one line `==> procvisor: N lines dropped (reader too slow) <==` instead.
   * The number of waiting lines is bounded too, to `maxBufferedBytes / 16` (at least 1024), since a line
   * costs memory beyond its bytes: a child writing empty lines cannot make the buffer grow either.
   * @default 1048576 (1 MiB)
   */
  readonly maxBufferedBytes?: number;
  /**
   * A line longer than this many bytes (a child writing without newlines) is delivered in pieces of this
   * size, so an unterminated line cannot grow without bound.
   * @default 65536 (64 KiB)
   */
  readonly maxLineBytes?: number;
  /** Ends the iteration (it completes normally). */
  readonly signal?: AbortSignal;
}

/** The line a reader gets where `count` lines were dropped because it fell behind. */
export function droppedMarker(count: number): string {
  return `==> procvisor: ${count} line${count === 1 ? '' : 's'} dropped (reader too slow) <==`;
}

/**
 * What bounds the count of waiting lines: one line per this many bytes of `maxBufferedBytes`, and never
 * fewer than {@link MIN_LINES}. A waiting line costs about 40 bytes of heap besides its text (its string
 * header and two array slots), so at the default 1 MiB that is 65,536 lines and under 3 MB.
 */
const BYTES_PER_LINE = 16;
const MIN_LINES = 1024;

const NL = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into lines, working on bytes so that a UTF-8 character split across two chunks is
 * decoded whole. A line is delivered without its `\n` (and without the `\r` of a CRLF). A line longer than
 * `maxLineBytes` is delivered in pieces of at most that size, cut at a character boundary, so output
 * without newlines cannot grow without bound. The one splitter of the library: `lines()`,
 * `waitForOutput` and readiness patterns all use it.
 */
export class LineSplitter {
  readonly #onLine: (line: string, bytes: number) => void;
  readonly #maxLine: number;
  /**
   * The unterminated end of the output so far, copied into a few blocks: a child writing a line one byte at
   * a time costs its bytes, not one Buffer per write.
   */
  readonly #partial = new ByteQueue();

  /**
   * @param onLine - called with each complete line, and its size in bytes (without the line end)
   * @param maxLineBytes - the longest line delivered whole (at least 4, the longest UTF-8 character)
   */
  constructor(onLine: (line: string, bytes: number) => void, maxLineBytes = 1 << 16) {
    this.#onLine = onLine;
    this.#maxLine = Math.max(4, maxLineBytes);
  }

  /** Bytes of the unterminated line. */
  get partialBytes(): number {
    return this.#partial.bytes;
  }

  /** @internal Buffers holding the unterminated line (for tests: bounded whatever the chunking). */
  get _partialBlocks(): number {
    return this.#partial.blocks;
  }

  /** The unterminated line decoded so far, without a trailing incomplete character (a prompt: `ready> `). */
  partialText(): string {
    if (this.#partial.bytes === 0) return '';
    const all = this.#partial.toBuffer();
    return all.subarray(0, charBoundary(all, all.length)).toString('utf8');
  }

  /** A chunk of output. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    let start = 0;
    for (let nl = buf.indexOf(NL, start); nl !== -1; nl = buf.indexOf(NL, start)) {
      if (this.#partial.bytes === 0 && nl - start <= this.#maxLine) {
        // A whole line inside this chunk: decoded in place.
        this.#emit(buf.subarray(start, nl), true);
      } else {
        this.#append(buf.subarray(start, nl));
        this.#emit(this.#take(), true);
      }
      start = nl + 1;
    }
    if (start < buf.length) this.#append(buf.subarray(start));
  }

  /** The output ended (the child exited): its unterminated last line is a line. */
  flush(): void {
    if (this.#partial.bytes > 0) this.#emit(this.#take(), false);
  }

  /** Forgets the unterminated line. */
  reset(): void {
    this.#partial.clear();
  }

  /** Adds to the unterminated line (a copy), delivering pieces of `maxLine` bytes while it is longer. */
  #append(bytes: Buffer): void {
    this.#partial.push(bytes);
    while (this.#partial.bytes > this.#maxLine) this.#cut();
  }

  /** The unterminated line, forgotten. */
  #take(): Buffer {
    const line = this.#partial.toBuffer();
    this.#partial.clear();
    return line;
  }

  #emit(line: Buffer, terminated: boolean): void {
    let bytes = line.length;
    if (terminated && bytes > 0 && line[bytes - 1] === CR) {
      line = line.subarray(0, bytes - 1);
      bytes -= 1;
    }
    this.#onLine(line.toString('utf8'), bytes);
  }

  /** Delivers the first `maxLine` bytes of the partial line, cut at a character boundary. */
  #cut(): void {
    const all = this.#take();
    const cut = charBoundary(all, this.#maxLine);
    this.#onLine(all.subarray(0, cut).toString('utf8'), cut);
    this.#partial.push(all.subarray(cut));
  }
}

/** The largest offset ≤ `at` that does not fall inside a UTF-8 sequence (backs up over at most 3 bytes). */
function charBoundary(buf: Buffer, at: number): number {
  let cut = Math.min(at, buf.length);
  if (cut === buf.length) {
    // At the end: drop a lead byte whose continuation bytes have not all arrived.
    for (let back = 1; back <= 3 && cut - back >= 0; back++) {
      const b = buf[cut - back]!;
      if ((b & 0xc0) === 0x80) continue;
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      return need > back ? cut - back : cut;
    }
    return cut;
  }
  for (let i = 0; i < 3 && cut > 1 && ((buf[cut] ?? 0) & 0xc0) === 0x80; i++) cut--;
  return cut;
}

/**
 * One reader's view of one channel. The output side calls {@link LineFollower.push} for every chunk,
 * {@link LineFollower.flush} when a child exits and {@link LineFollower.end} when the process goes away.
 */
export class LineFollower implements AsyncIterableIterator<string> {
  readonly #maxBuffered: number;
  readonly #maxLines: number;
  readonly #splitter: LineSplitter;
  readonly #onClose: () => void;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = () => this.end();
  /** Complete lines and their byte sizes, oldest first, from `#head`. */
  #lines: string[] = [];
  #sizes: number[] = [];
  #head = 0;
  #buffered = 0;
  #droppedBefore = 0;
  #ended = false;
  #closed = false;
  #reader: ((result: IteratorResult<string>) => void) | null = null;

  constructor(options: LinesOptions, onClose: () => void) {
    this.#maxBuffered = Math.max(1, options.maxBufferedBytes ?? 1 << 20);
    this.#maxLines = Math.max(MIN_LINES, Math.floor(this.#maxBuffered / BYTES_PER_LINE));
    this.#splitter = new LineSplitter((line, bytes) => this.#enqueue(line, bytes), options.maxLineBytes);
    this.#onClose = onClose;
    this.#signal = options.signal;
    if (this.#signal?.aborted) this.end();
    else this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Bytes of output waiting for the reader (complete lines and the partial one). */
  get buffered(): number {
    return this.#buffered + this.#splitter.partialBytes;
  }

  /** @internal Complete lines waiting for the reader, and the slots kept for them (for tests). */
  get _waiting(): { lines: number; slots: number; partialBuffers: number } {
    return {
      lines: this.#lines.length - this.#head,
      slots: this.#lines.length,
      partialBuffers: this.#splitter._partialBlocks,
    };
  }

  /** A chunk of output. */
  push(chunk: Buffer): void {
    if (!this.#ended) this.#splitter.push(chunk);
  }

  /** The child is gone: its unterminated last line is a line. */
  flush(): void {
    this.#splitter.flush();
  }

  /** No more output will come: flush and let the reader finish. */
  end(): void {
    if (this.#ended) return;
    this.flush();
    this.#ended = true;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#wake();
  }

  next(): Promise<IteratorResult<string>> {
    const ready = this.#take();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => {
      this.#reader = resolve;
    });
  }

  /** The reader stopped (`break` in `for await`): unsubscribe and drop what waits. */
  return(): Promise<IteratorResult<string>> {
    this.#ended = true;
    this.#lines = [];
    this.#sizes = [];
    this.#head = 0;
    this.#buffered = 0;
    this.#droppedBefore = 0;
    this.#splitter.reset();
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#close();
    const reader = this.#reader;
    this.#reader = null;
    reader?.({ done: true, value: undefined });
    return Promise.resolve({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  // ---- internals --------------------------------------------------------------------------------------

  #enqueue(line: string, bytes: number): void {
    this.#lines.push(line);
    this.#sizes.push(bytes);
    this.#buffered += bytes;
    // Drop the oldest waiting lines (never the newest) while over a limit.
    while (
      (this.#buffered > this.#maxBuffered || this.#lines.length - this.#head > this.#maxLines) &&
      this.#lines.length - this.#head > 1
    ) {
      this.#buffered -= this.#sizes[this.#head]!;
      this.#head++;
      this.#droppedBefore++;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#lines.length) {
      this.#lines = this.#lines.slice(this.#head);
      this.#sizes = this.#sizes.slice(this.#head);
      this.#head = 0;
    }
    this.#wake();
  }

  #take(): IteratorResult<string> | null {
    if (this.#droppedBefore > 0) {
      const n = this.#droppedBefore;
      this.#droppedBefore = 0;
      return { done: false, value: droppedMarker(n) };
    }
    if (this.#head < this.#lines.length) {
      const value = this.#lines[this.#head]!;
      this.#buffered -= this.#sizes[this.#head]!;
      this.#head++;
      if (this.#head === this.#lines.length) {
        this.#lines = [];
        this.#sizes = [];
        this.#head = 0;
      }
      return { done: false, value };
    }
    if (this.#ended) {
      this.#close();
      return { done: true, value: undefined };
    }
    return null;
  }

  #wake(): void {
    if (!this.#reader) return;
    const result = this.#take();
    if (!result) return;
    const reader = this.#reader;
    this.#reader = null;
    reader(result);
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#onClose();
  }
}
