/**
 * Feeds rotating-file-stream large writes. rotating-file-stream writes every chunk it is given with its own
 * `write(2)` and checks its size after each; a child's output arrives in many chunks, and while one write is
 * in flight the next ones queue. {@link BatchSink} stands in front of it: the chunks that queued are joined
 * into one Buffer per stretch that ends with the chunk reaching `maxbytes`, so rotating-file-stream still
 * rotates after the very chunk supervisord rotates after (`loggers.py doRollover`), with the same bytes in
 * the same files, at one write per batch instead of one per chunk.
 * @module
 */
import { Writable } from 'node:stream';

/** Where the next size rotation falls, as rotating-file-stream counts it. */
export interface BatchBoundary {
  /** `*_logfile_maxbytes`; 0 = no size rotation (join everything). */
  readonly maxbytes: number;
  /** Bytes the file can take before the write that rotates it (maxbytes less its size at open). */
  readonly left: number;
}

/** A Writable that joins what queues behind a write, never across a size rotation. */
export class BatchSink extends Writable {
  readonly #inner: Writable;
  readonly #maxbytes: number;
  #left: number;

  /** `inner`'s errors destroy this sink with the same error; `inner` is ended by `end()`. */
  constructor(inner: Writable, boundary: BatchBoundary) {
    super({ decodeStrings: false, highWaterMark: 1 << 16 });
    this.#inner = inner;
    this.#maxbytes = boundary.maxbytes;
    this.#left = boundary.left > 0 ? boundary.left : boundary.maxbytes;
    inner.on('error', (err: Error) => this.destroy(err));
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#send([chunk], callback);
  }

  override _writev(
    chunks: { chunk: Buffer; encoding: BufferEncoding }[],
    callback: (error?: Error | null) => void,
  ): void {
    this.#send(
      chunks.map((c) => c.chunk),
      callback,
    );
  }

  /** Joins `chunks` into stretches, each ending with the chunk that reaches the size limit, and writes them. */
  #send(chunks: Buffer[], callback: (error?: Error | null) => void): void {
    const stretches: Buffer[][] = [];
    let current: Buffer[] = [];
    for (const chunk of chunks) {
      current.push(chunk);
      if (this.#maxbytes > 0 && (this.#left -= chunk.length) <= 0) {
        // rotating-file-stream rotates after this write, and counts from 0 again.
        stretches.push(current);
        current = [];
        this.#left = this.#maxbytes;
      }
    }
    if (current.length > 0) stretches.push(current);
    let waiting = stretches.length;
    let failed = false;
    const done = (err?: Error | null) => {
      if (failed) return;
      if (err) {
        failed = true;
        callback(err);
        return;
      }
      if (--waiting === 0) callback();
    };
    for (const stretch of stretches) {
      this.#inner.write(stretch.length === 1 ? stretch[0]! : Buffer.concat(stretch), done);
    }
  }

  override _final(callback: (error?: Error | null) => void): void {
    const inner = this.#inner;
    if (inner.destroyed || inner.writableFinished) return callback();
    let settled = false;
    const finish = (err?: Error | null) => {
      if (settled) return;
      settled = true;
      callback(err);
    };
    inner.once('close', () => finish());
    inner.once('error', (err: Error) => finish(err));
    inner.end();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.#inner.destroyed) this.#inner.destroy();
    callback(err);
  }
}

/** Ends `stream` and resolves once it has closed (or failed, or was already done). Never rejects. */
export function endStream(stream: Writable): Promise<void> {
  return new Promise<void>((resolve) => {
    if (stream.destroyed || stream.writableFinished) return resolve();
    stream.once('close', () => resolve());
    stream.once('error', () => resolve());
    stream.end();
  });
}
