/**
 * Follows a log file for `/logtail` and `/mainlogtail`, as supervisord's `http.py tail_f_producer` does:
 * the last `head` bytes first, then what is appended. A file replaced under its name (rotation, a clear)
 * is reopened and read from its start; a file that shrank prints `==> File truncated <==` and is read again
 * from its start.
 *
 * supervisord polls every 0.1 s; procvisor wakes on the directory's change events (inotify on Linux), with
 * a slow poll as a safety net, and only while someone follows. It also sends whole UTF-8 characters only (a
 * start or a write that splits one is held until it is whole), where supervisorctl would print
 * `Undecodable: b'...'` for the split piece.
 * @module
 */
import { watch, type FSWatcher } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

/** Where the followed bytes go: an HTTP response. */
export interface TailSink {
  /** Writes; false when the caller should wait for `drain`. */
  write(chunk: Buffer | string): boolean;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}

/** Options of a {@link TailFollower}. */
export interface TailOptions {
  /** How many bytes before the end to start with. @default 1024 (supervisord's) */
  readonly head?: number;
  /** The safety-net poll, in ms, while change events work; without them it polls 5 times as often. */
  readonly pollMs?: number;
}

const TRUNCATED = '==> File truncated <==\n';
const CHUNK = 64 * 1024;

/** The length of the longest prefix of `buf` that does not end inside a UTF-8 character. */
export function wholeCharacters(buf: Buffer): number {
  for (let i = buf.length - 1; i >= 0 && i >= buf.length - 4; i--) {
    const b = buf[i]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    // ASCII, or a byte that starts no character (no later byte will complete it).
    if (b < 0xc0 || b >= 0xf8) return buf.length;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    return buf.length - i < need ? i : buf.length;
  }
  return buf.length;
}

/** Continuation bytes at the start of `buf` (a start in the middle of a character), at most 3. */
function leadingContinuations(buf: Buffer): number {
  let n = 0;
  while (n < 3 && n < buf.length && (buf[n]! & 0xc0) === 0x80) n++;
  return n;
}

/** Follows one file into one sink until {@link TailFollower.stop}. */
export class TailFollower {
  readonly #path: string;
  readonly #sink: TailSink;
  readonly #pollMs: number;
  #file: FileHandle | null = null;
  #ino = 0;
  /** How far the sink has been sent. */
  #sent = 0;
  /** The next read starts where `head` put it, perhaps inside a character. */
  #midCharacter = false;
  #watcher: FSWatcher | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  #busy = false;
  #again = false;
  #stopped = false;
  readonly #onEnd: () => void;

  private constructor(path: string, sink: TailSink, pollMs: number, onEnd: () => void) {
    this.#path = path;
    this.#sink = sink;
    this.#pollMs = pollMs;
    this.#onEnd = onEnd;
  }

  /**
   * Opens `path`; rejects when it cannot be opened. Nothing is sent before {@link TailFollower.begin}.
   * After that, a failure ends the follow: `onEnd` is called once, as after {@link TailFollower.stop}.
   */
  static async open(
    path: string,
    sink: TailSink,
    onEnd: () => void,
    options: TailOptions = {},
  ): Promise<TailFollower> {
    const follower = new TailFollower(path, sink, options.pollMs ?? 1000, onEnd);
    await follower.#open();
    const size = (await follower.#file!.stat()).size;
    const head = options.head ?? 1024;
    if (size >= head) {
      follower.#sent = size - head;
      follower.#midCharacter = follower.#sent > 0;
    }
    return follower;
  }

  /** Starts sending: the head at once, then what is appended. */
  begin(): void {
    if (this.#stopped) return;
    this.#watch();
    this.#wake();
  }

  /** Stops following and closes the file. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#watcher?.close();
    if (this.#timer) clearInterval(this.#timer);
    const file = this.#file;
    this.#file = null;
    void file?.close().catch(() => {});
    this.#onEnd();
  }

  async #open(): Promise<void> {
    const file = await open(this.#path, 'r');
    try {
      this.#ino = (await file.stat()).ino;
    } catch (err) {
      await file.close();
      throw err;
    }
    this.#file = file;
    this.#sent = 0;
    this.#midCharacter = false;
  }

  #watch(): void {
    const name = basename(this.#path);
    try {
      this.#watcher = watch(dirname(this.#path), { persistent: false }, (_event, file) => {
        if (file === null || file === name) this.#wake();
      });
      this.#watcher.on('error', () => {
        this.#watcher?.close();
        this.#watcher = null;
        this.#poll(this.#pollMs / 5);
      });
      this.#poll(this.#pollMs);
    } catch {
      this.#poll(this.#pollMs / 5);
    }
  }

  #poll(ms: number): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = setInterval(() => this.#wake(), Math.max(10, ms));
  }

  /** Runs a step now, or once the running one is done. */
  #wake(): void {
    if (this.#stopped) return;
    if (this.#busy) {
      this.#again = true;
      return;
    }
    this.#busy = true;
    this.#step().then(
      (more) => {
        this.#busy = false;
        if (more || this.#again) {
          this.#again = false;
          this.#wake();
        }
      },
      () => this.stop(),
    );
  }

  /** Sends what is new; true when more is ready at once. */
  async #step(): Promise<boolean> {
    try {
      // A new file under the name (rotation, a clear that recreated it): follow the new one from its start.
      if ((await stat(this.#path)).ino !== this.#ino) {
        await this.#file?.close();
        this.#file = null;
        await this.#open();
      }
    } catch {
      // Unlinked and not (yet) replaced: keep reading the open file.
    }
    const file = this.#file;
    if (this.#stopped || !file) return false;
    const size = (await file.stat()).size;
    if (size < this.#sent) {
      this.#sent = 0;
      this.#midCharacter = false;
      return this.#send(TRUNCATED, true);
    }
    if (size === this.#sent) return false;
    const want = Math.min(size - this.#sent, CHUNK);
    const buf = Buffer.alloc(want);
    const { bytesRead } = await file.read(buf, 0, want, this.#sent);
    if (this.#stopped || bytesRead === 0) return false;
    let data = buf.subarray(0, bytesRead);
    let skip = 0;
    if (this.#midCharacter) {
      skip = leadingContinuations(data);
      this.#midCharacter = false;
    }
    const end = wholeCharacters(data);
    data = data.subarray(skip, end);
    this.#sent += end;
    const more = this.#sent < size && end > 0;
    return data.length > 0 ? this.#send(data, more) : more;
  }

  /** Writes, and waits for the sink to drain when it asks to. */
  async #send(chunk: Buffer | string, more: boolean): Promise<boolean> {
    if (this.#sink.write(chunk)) return more;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.#sink.off('drain', done);
        this.#sink.off('close', done);
        resolve();
      };
      this.#sink.once('drain', done);
      this.#sink.once('close', done);
    });
    return more;
  }
}
