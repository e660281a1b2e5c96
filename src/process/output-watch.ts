/**
 * What a process keeps of its output besides the logs: the last few kilobytes per channel for error reports,
 * and the line watchers of `waitForOutput`. Both do nothing per chunk beyond a copy when nobody watches.
 * @module
 */
import { ByteQueue } from '../logging/byte-queue.js';
import { LineSplitter } from '../logging/lines.js';

type Channel = 'stdout' | 'stderr';

/**
 * Bytes of recent output kept per channel. They are copied into a {@link ByteQueue}, so what they cost is
 * bounded in Buffers as well as bytes (three at most): a child writing one byte at a time cannot make the
 * recent output grow.
 */
const RECENT_BYTES = 8 * 1024;

interface Watcher {
  readonly channel: Channel | 'both';
  readonly splitters: Record<Channel, LineSplitter>;
}

/** Recent output and line watchers of one process. */
export class OutputWatch {
  readonly #recent: Record<Channel, ByteQueue> = { stdout: new ByteQueue(), stderr: new ByteQueue() };
  readonly #watchers = new Set<Watcher>();

  /** A chunk the child wrote. */
  feed(channel: Channel, chunk: Buffer): void {
    const ring = this.#recent[channel];
    // Only the end of a large chunk can stay: copy no more than that.
    ring.push(chunk.length > RECENT_BYTES ? chunk.subarray(chunk.length - RECENT_BYTES) : chunk);
    ring.keepLast(RECENT_BYTES);
    if (this.#watchers.size === 0) return;
    for (const w of [...this.#watchers]) {
      if (w.channel === 'both' || w.channel === channel) w.splitters[channel].push(chunk);
    }
  }

  /** The last lines of output (both channels, stdout first, up to `count`). */
  recentOutput(count: number): string[] {
    const text = (ch: Channel) => {
      const bytes = this.#recent[ch].toBuffer();
      // The oldest bytes may begin inside a UTF-8 character: start at the next whole one.
      let from = 0;
      while (from < 3 && from < bytes.length && (bytes[from]! & 0xc0) === 0x80) from++;
      return bytes.subarray(from).toString('utf8');
    };
    const lines = [...text('stdout').split('\n'), ...text('stderr').split('\n')].filter((l) => l !== '');
    return lines.slice(-count);
  }

  /** Calls `onLine` with every complete line on `channel` from now on, until the returned function is called. */
  watch(channel: Channel | 'both', onLine: (line: string) => void): () => void {
    const line = (l: string) => onLine(l);
    const watcher: Watcher = {
      channel,
      splitters: { stdout: new LineSplitter(line), stderr: new LineSplitter(line) },
    };
    this.#watchers.add(watcher);
    return () => void this.#watchers.delete(watcher);
  }

  /**
   * Calls `onMatch` with every line (from now on) that matches `pattern`, a RegExp (its `g` and `y` flags
   * ignored, so each line is matched afresh) or a substring, until the returned function is called.
   */
  watchFor(pattern: RegExp | string, channel: Channel | 'both', onMatch: (line: string) => void): () => void {
    const re =
      typeof pattern === 'string' ? null : new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
    return this.watch(channel, (line) => {
      if (re ? re.test(line) : line.includes(pattern as string)) onMatch(line);
    });
  }

  /** @internal What the recent output of `channel` holds: its bytes and its Buffers (for tests). */
  _recentSize(channel: Channel): { bytes: number; buffers: number } {
    const ring = this.#recent[channel];
    return { bytes: ring.bytes, buffers: ring.blocks };
  }
}
