/**
 * Following a process's output line by line (`for await (const line of proc.lines('stdout'))`), like
 * `supervisorctl tail -f`, with bounded memory whatever the reader's speed.
 * @module
 */

/** Options of `Process.lines()`. */
export interface LinesOptions {
  /**
   * Bytes of complete lines kept for a reader that is behind. When more arrive, the oldest waiting lines
   * are dropped and the reader gets one line `==> procvisor: N lines dropped (reader too slow) <==` instead.
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

const NL = 0x0a;

/**
 * One reader's view of one channel. The output side calls {@link LineFollower.push} for every chunk,
 * {@link LineFollower.flush} when a child exits and {@link LineFollower.end} when the process goes away.
 */
export class LineFollower implements AsyncIterableIterator<string> {
  readonly #maxBuffered: number;
  readonly #maxLine: number;
  readonly #onClose: () => void;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = () => this.end();
  /** Complete lines and their byte sizes, oldest first, from `#head`. */
  #lines: string[] = [];
  #sizes: number[] = [];
  #head = 0;
  #buffered = 0;
  #droppedBefore = 0;
  /** The unterminated end of the output so far. */
  #partial: Buffer[] = [];
  #partialBytes = 0;
  #ended = false;
  #closed = false;
  #reader: ((result: IteratorResult<string>) => void) | null = null;

  constructor(options: LinesOptions, onClose: () => void) {
    this.#maxBuffered = Math.max(1, options.maxBufferedBytes ?? 1 << 20);
    this.#maxLine = Math.max(4, options.maxLineBytes ?? 1 << 16);
    this.#onClose = onClose;
    this.#signal = options.signal;
    if (this.#signal?.aborted) this.end();
    else this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Bytes of output waiting for the reader (complete lines and the partial one). */
  get buffered(): number {
    return this.#buffered + this.#partialBytes;
  }

  /** A chunk of output. */
  push(chunk: Buffer): void {
    if (this.#ended || chunk.length === 0) return;
    let start = 0;
    for (let nl = chunk.indexOf(NL, start); nl !== -1; nl = chunk.indexOf(NL, start)) {
      this.#partial.push(chunk.subarray(start, nl));
      this.#partialBytes += nl - start;
      while (this.#partialBytes > this.#maxLine) this.#cutPartial();
      this.#emitPartial(true);
      start = nl + 1;
    }
    if (start < chunk.length) {
      // Copy: the chunk's memory may be a slice of a larger pooled buffer.
      this.#partial.push(Buffer.from(chunk.subarray(start)));
      this.#partialBytes += chunk.length - start;
      while (this.#partialBytes > this.#maxLine) this.#cutPartial();
    }
  }

  /** The child is gone: its unterminated last line is a line. */
  flush(): void {
    if (this.#partialBytes > 0) this.#emitPartial(false);
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
    this.#partial = [];
    this.#partialBytes = 0;
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

  #emitPartial(terminated: boolean): void {
    let bytes = this.#partialBytes;
    let line = Buffer.concat(this.#partial, bytes);
    this.#partial = [];
    this.#partialBytes = 0;
    if (terminated && line[bytes - 1] === 0x0d) {
      line = line.subarray(0, bytes - 1); // CRLF
      bytes -= 1;
    }
    this.#enqueue(line.toString('utf8'), bytes);
  }

  /** Delivers the first `maxLine` bytes of the partial line, cut at a character boundary. */
  #cutPartial(): void {
    const all = Buffer.concat(this.#partial, this.#partialBytes);
    let cut = this.#maxLine;
    // Do not split a UTF-8 sequence: back up over continuation bytes (at most 3).
    for (let i = 0; i < 3 && cut > 1 && ((all[cut] ?? 0) & 0xc0) === 0x80; i++) cut--;
    this.#enqueue(all.subarray(0, cut).toString('utf8'), cut);
    const rest = Buffer.from(all.subarray(cut));
    this.#partial = [rest];
    this.#partialBytes = rest.length;
  }

  #enqueue(line: string, bytes: number): void {
    this.#lines.push(line);
    this.#sizes.push(bytes);
    this.#buffered += bytes;
    // Drop the oldest waiting lines (never the newest) while over the limit.
    while (this.#buffered > this.#maxBuffered && this.#lines.length - this.#head > 1) {
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
