/**
 * Output bytes held in memory, bounded by the memory they really take. A Buffer costs about a hundred bytes
 * of heap whatever its length, so a buffer that kept each chunk it was given would grow by that much for
 * every one-byte write of a child. {@link ByteQueue} copies what it is given into a few blocks instead: ten
 * thousand one-byte chunks take one block.
 * @module
 */

/** The largest block; a small queue's only block starts smaller and doubles up to this. */
export const BLOCK_BYTES = 4096;
const FIRST_BLOCK = 64;

/**
 * Bytes appended at the end and dropped from the front, copied into blocks of at most
 * {@link BLOCK_BYTES}: at most `bytes / BLOCK_BYTES + 2` blocks, and at most about twice the bytes it holds
 * (`bytes + BLOCK_BYTES` once it holds more than one block). Blocks are allocated outside Buffer's shared
 * pool, so a queue never keeps someone else's pooled memory alive.
 * @example
 * ```ts
 * const q = new ByteQueue();
 * for (const b of Buffer.from('hello')) q.push(Buffer.of(b)); // one block, not five Buffers
 * q.drop(2);
 * q.toBuffer().toString(); // 'llo'
 * ```
 */
export class ByteQueue {
  /** The blocks, oldest first; bytes run from `#head` in the first to `#tail` in the last. */
  #blocks: Buffer[] = [];
  #head = 0;
  #tail = 0;
  #bytes = 0;
  /** The small block of the last clear, written into again: a capture buffer refilled per block allocates once. */
  #spare: Buffer | null = null;

  /** Bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Buffers held (the blocks): what the queue costs besides its bytes. */
  get blocks(): number {
    return this.#blocks.length;
  }

  /** Appends a copy of `chunk`. */
  push(chunk: Uint8Array): void {
    const n = chunk.length;
    let off = 0;
    while (off < n) {
      const last = this.#room(n - off);
      const take = Math.min(n - off, last.length - this.#tail);
      last.set(off === 0 && take === n ? chunk : chunk.subarray(off, off + take), this.#tail);
      this.#tail += take;
      off += take;
    }
    this.#bytes += n;
  }

  /** Drops the first `n` bytes (all of them when `n` is larger). */
  drop(n: number): void {
    if (n >= this.#bytes) {
      this.clear();
      return;
    }
    this.#bytes -= n;
    while (n > 0) {
      const first = this.#blocks[0]!;
      const end = this.#blocks.length === 1 ? this.#tail : first.length;
      if (n < end - this.#head) {
        this.#head += n;
        return;
      }
      n -= end - this.#head;
      this.#blocks.shift();
      this.#head = 0;
    }
  }

  /** Keeps only the last `max` bytes. */
  keepLast(max: number): void {
    if (this.#bytes > max) this.drop(this.#bytes - max);
  }

  /** A copy of the bytes held, in one Buffer. */
  toBuffer(): Buffer {
    const blocks = this.#blocks;
    if (blocks.length === 0) return Buffer.alloc(0);
    const last = blocks.length - 1;
    const views = blocks.map((b, i) =>
      b.subarray(i === 0 ? this.#head : 0, i === last ? this.#tail : b.length),
    );
    return Buffer.concat(views, this.#bytes);
  }

  /** Forgets everything (a first block of at most {@link BLOCK_BYTES} is kept to write into next time). */
  clear(): void {
    const first = this.#blocks[0];
    if (first && first.length <= BLOCK_BYTES) this.#spare = first;
    this.#blocks = [];
    this.#head = 0;
    this.#tail = 0;
    this.#bytes = 0;
  }

  /** The block to write into: the last one while it has room, grown while it is small, else a new one. */
  #room(wanted: number): Buffer {
    const blocks = this.#blocks;
    const last = blocks[blocks.length - 1];
    if (last && this.#tail < last.length) return last;
    if (last && blocks.length === 1 && last.length < BLOCK_BYTES) {
      // The only block is full and small: move its bytes into one twice as large (or as large as needed).
      let size = last.length * 2;
      while (size < BLOCK_BYTES && size < this.#tail - this.#head + wanted) size *= 2;
      const grown = Buffer.allocUnsafeSlow(Math.min(size, BLOCK_BYTES));
      last.copy(grown, 0, this.#head, this.#tail);
      this.#tail -= this.#head;
      this.#head = 0;
      blocks[0] = grown;
      return grown;
    }
    if (blocks.length === 0 && this.#spare && this.#spare.length >= Math.min(wanted, BLOCK_BYTES)) {
      const spare = this.#spare;
      this.#spare = null;
      blocks.push(spare);
      this.#tail = 0;
      return spare;
    }
    let size = blocks.length === 0 ? FIRST_BLOCK : BLOCK_BYTES;
    while (size < BLOCK_BYTES && size < wanted) size *= 2;
    const block = Buffer.allocUnsafeSlow(size);
    blocks.push(block);
    this.#tail = 0;
    return block;
  }
}
