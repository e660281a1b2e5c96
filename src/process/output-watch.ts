/**
 * What a process keeps of its output besides the logs: the last few kilobytes per channel for error reports,
 * and the line watchers of `waitForOutput`. Both do nothing per chunk beyond a copy when nobody watches.
 * @module
 */
import { LineSplitter } from '../logging/lines.js';

type Channel = 'stdout' | 'stderr';

/** Bytes of recent output kept per channel. */
const RECENT_BYTES = 8 * 1024;
/**
 * Chunks kept per channel. A chunk costs far more heap than its payload, so small chunks are merged and the
 * count is bounded too: a child writing one byte at a time cannot make the ring grow.
 */
const RECENT_CHUNKS = 16;

interface Ring {
  chunks: Buffer[];
  bytes: number;
}

interface Watcher {
  readonly channel: Channel | 'both';
  readonly splitters: Record<Channel, LineSplitter>;
}

/** Recent output and line watchers of one process. */
export class OutputWatch {
  readonly #recent: Record<Channel, Ring> = {
    stdout: { chunks: [], bytes: 0 },
    stderr: { chunks: [], bytes: 0 },
  };
  readonly #watchers = new Set<Watcher>();

  /** A chunk the child wrote. */
  feed(channel: Channel, chunk: Buffer): void {
    this.#remember(this.#recent[channel], chunk);
    if (this.#watchers.size === 0) return;
    for (const w of [...this.#watchers]) {
      if (w.channel === 'both' || w.channel === channel) w.splitters[channel].push(chunk);
    }
  }

  /** The last lines of output (both channels, stdout first, up to `count`). */
  recentOutput(count: number): string[] {
    const text = (ch: Channel) => Buffer.concat(this.#recent[ch].chunks).toString('utf8');
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

  #remember(ring: Ring, chunk: Buffer): void {
    if (chunk.length >= RECENT_BYTES) {
      ring.chunks = [Buffer.from(chunk.subarray(chunk.length - RECENT_BYTES))];
      ring.bytes = RECENT_BYTES;
      return;
    }
    const last = ring.chunks[ring.chunks.length - 1];
    if (last && last.length + chunk.length <= RECENT_BYTES / RECENT_CHUNKS) {
      ring.chunks[ring.chunks.length - 1] = Buffer.concat([last, chunk]);
    } else {
      // Copy: the chunk may be a view of a larger pooled buffer, which a reference would keep alive.
      ring.chunks.push(Buffer.from(chunk));
    }
    ring.bytes += chunk.length;
    while (
      ring.chunks.length > 1 &&
      (ring.chunks.length > RECENT_CHUNKS || ring.bytes - ring.chunks[0]!.length >= RECENT_BYTES)
    ) {
      ring.bytes -= ring.chunks.shift()!.length;
    }
  }
}
