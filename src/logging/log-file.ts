/**
 * One open log file of one channel: supervisord's `FileHandler` / `RotatingFileHandler`
 * (`supervisor/loggers.py`) on top of rotating-file-stream.
 *
 * How supervisord's options map onto rotating-file-stream (see docs/logging.md):
 * - `maxbytes` 0: a plain append stream that never rotates (`/dev/stdout` works, as in supervisord).
 * - `maxbytes` > 0, `backups` > 0: rotating-file-stream in its classical mode (`rotate: backups`,
 *   `size: '<maxbytes>B'`), whose renames are supervisord's: `file` -> `file.1` -> ... -> `file.N`, the
 *   oldest dropped. It checks the size after every write, as supervisord's `doRollover` does after every
 *   chunk; a {@link BatchSink} joins queued chunks into one write that ends with the chunk reaching maxbytes.
 * - `maxbytes` > 0, `backups` 0: supervisord truncates the file. rotating-file-stream cannot keep zero
 *   backups, so it rotates to a private name that is deleted as soon as it is made.
 * - A file already at or over the limit at spawn: rotating-file-stream would rotate it at once; supervisord
 *   rotates after the next write. So the first chunk is appended here, then the stream rotates it.
 * - Until a rotation is due, a plain append stream on the descriptor opened at spawn counts the bytes; the
 *   write that reaches `maxbytes` hands the file to rotating-file-stream, which rotates as it opens it.
 *
 * Every write is accounted for: writes are never lost or reordered, memory is bounded by a high-water mark
 * that counts each waiting chunk's overhead as well as its bytes (the caller pauses the child's pipe when
 * {@link LogFile.write} returns false and resumes it on {@link LogFileEvents.drain}), and a write error
 * puts the file in a failed state that drops output (the child must keep running) until a reopen succeeds.
 * @module
 */
import { appendFile, unlink } from 'node:fs/promises';
import { close, closeSync, createWriteStream, fstat, fstatSync, open, openSync, type Stats } from 'node:fs';
import { promisify } from 'node:util';
import { systemClock, type Clock } from '../clock.js';
import { endStream } from './batch-sink.js';
import { rotatingSink } from './rotating-sink.js';
import { shiftBackups } from './shift-backups.js';
import type { Entry, Open, Sink, State, Why } from './log-file-state.js';
import {
  cost,
  HIGH_WATER_MARK,
  LOW_WATER_MARK,
  RETRY_MS,
  type LogFileEvents,
  type LogFileOptions,
} from './log-file-options.js';

export { CHUNK_OVERHEAD, HIGH_WATER_MARK, LOW_WATER_MARK, RETRY_MS } from './log-file-options.js';
export type { LogFileEvents, LogFileOptions } from './log-file-options.js';

const openAsync = promisify(open);
const fstatAsync = promisify(fstat);

/**
 * A log file open for one child: created at spawn (`LogFile.openInBackground(path, options, events)`),
 * written with `if (!file.write(chunk)) pipe.pause()` (resume on `events.drain()`), closed when the child
 * is reaped. `LogFile.open` opens at once, for the activity log.
 */
export class LogFile {
  /** The file's path. */
  readonly path: string;
  readonly #options: LogFileOptions;
  readonly #events: LogFileEvents;
  readonly #clock: Clock;
  #state: State = { kind: 'closed' };
  /** Chunks waiting while switching streams, in order. */
  #pending: Entry[] = [];
  /** What the chunks accepted and not yet written (or dropped) cost: their bytes and overhead. */
  #inflight = 0;
  #paused = false;
  /** Sequence numbers: the last chunk accepted, and the last settled (written or dropped); in order. */
  #accepted = 0;
  #settled = 0;
  #waiters: { seq: number; resolve: () => void }[] = [];
  /** Bytes dropped since the last failure. */
  #dropped = 0;
  #rotating = false;
  #rotationWaiters: (() => void)[] = [];
  #switch: Promise<void> = Promise.resolve();
  /** Switches asked for and not yet carried out; the stream one opened while another waited (to end). */
  #switchesQueued = 0;
  #handoff: Open | null = null;

  private constructor(path: string, options: LogFileOptions, events: LogFileEvents) {
    this.path = path;
    this.#options = options;
    this.#events = events;
    this.#clock = options.clock ?? systemClock;
  }

  /**
   * Opens (creating if needed) `path` for appending, as supervisord's handlers do at spawn.
   * @throws the `open(2)` error when the file cannot be opened (the caller decides what that means).
   */
  static open(path: string, options: LogFileOptions, events: LogFileEvents): LogFile {
    const file = new LogFile(path, options, events);
    file.#state = file.#openSync(false);
    return file;
  }

  /**
   * Like {@link LogFile.open}, without blocking the event loop (a spawn opens its logs this way): the file
   * opens in the background and what is written meanwhile waits for it, in order. An open that fails is
   * reported through `events.error`, as a failed write is, and is tried again like one.
   */
  static openInBackground(path: string, options: LogFileOptions, events: LogFileEvents): LogFile {
    const file = new LogFile(path, options, events);
    file.#switchStream(() => Promise.resolve(), 'clear');
    return file;
  }

  /** Whether output is being dropped because of a write error. */
  get failed(): boolean {
    return this.#state.kind === 'failed';
  }

  /**
   * Appends one chunk. Returns false when the caller should stop reading until {@link LogFileEvents.drain}
   * (the chunk is kept either way).
   */
  write(chunk: Buffer): boolean {
    if (chunk.length === 0) return true;
    const state = this.#state;
    if (state.kind === 'closed') return true;
    if (state.kind === 'failed') {
      if (this.#clock.now() - state.since < RETRY_MS) {
        this.#dropped += chunk.length;
        return true;
      }
      this.#switchStream(async () => {}, 'recover');
    }
    const entry = { chunk, seq: ++this.#accepted };
    this.#inflight += cost(chunk);
    this.#put(entry);
    if (this.#inflight >= HIGH_WATER_MARK) this.#paused = true;
    return !this.#paused;
  }

  /** Resolves once every chunk accepted so far is written (or dropped) and no rotation is under way. */
  async flushed(): Promise<void> {
    const seq = this.#accepted;
    if (this.#settled < seq) await new Promise<void>((resolve) => this.#waiters.push({ seq, resolve }));
    await this.#switchesDone();
    if (this.#rotating) await new Promise<void>((resolve) => this.#rotationWaiters.push(resolve));
  }

  /**
   * supervisord's `removelogs` for this handler: closes the file, deletes it, and opens a new empty one.
   * Output arriving meanwhile waits and goes to the new file.
   * @throws the unlink error (not ENOENT); the file is reopened anyway.
   */
  async clear(): Promise<void> {
    if (this.#state.kind === 'closed') return;
    let failure: unknown;
    this.#switchStream(async () => {
      try {
        await unlink(this.path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') failure = err;
      }
    }, 'clear');
    await this.#switch;
    if (failure !== undefined) throw failure;
  }

  /** supervisord's `reopenlogs`: ends the file and opens its path again (logrotate moved it away). */
  async reopen(): Promise<void> {
    if (this.#state.kind === 'closed') return;
    this.#switchStream(() => Promise.resolve(), 'clear');
    await this.#switch;
  }

  /** Rotates now (`Supervisor.rotateLogs`): the backups shift as in a size rotation; a new file opens. */
  async rotate(): Promise<void> {
    if (this.#state.kind === 'closed') return;
    this.#switchStream(() => shiftBackups(this.path, this.#options), 'clear');
    await this.#switch;
  }

  /** Writes out what is pending and closes the file. Never rejects. */
  async close(): Promise<void> {
    await this.#switchesDone();
    const state = this.#state;
    this.#state = { kind: 'closed' };
    if (state.kind === 'ready') await endStream(state.stream);
    this.#dropPending();
  }

  // ---- internals --------------------------------------------------------------------------------------

  /** Resolves when no switch is under way, including those that chunks written after a switch start. */
  async #switchesDone(): Promise<void> {
    for (let current = this.#switch; ; current = this.#switch) {
      await current;
      if (current === this.#switch) return;
    }
  }

  /** Sends an accepted chunk where the current state says. */
  #put(entry: Entry): void {
    const state = this.#state;
    switch (state.kind) {
      case 'ready':
        this.#writeTo(state.stream, entry);
        // supervisord rotates after the write that reaches maxbytes: rotating-file-stream takes over.
        if (state.left !== undefined && (state.left -= entry.chunk.length) <= 0) {
          this.#switchStream(async () => {}, 'rotate', entry.seq);
        }
        return;
      case 'full':
        // supervisord writes, then rotates: append this chunk to the full file, then let
        // rotating-file-stream rotate it as it opens.
        this.#switchStream(async () => {
          await appendFile(this.path, entry.chunk);
          this.#settle(entry.seq, cost(entry.chunk));
        }, 'rotate');
        return;
      case 'switching':
        this.#pending.push(entry);
        return;
      default:
        this.#dropped += entry.chunk.length;
        this.#settle(entry.seq, cost(entry.chunk));
    }
  }

  /** Writes an accepted chunk to `stream`; it is settled once written. */
  #writeTo(stream: Sink, entry: Entry): void {
    stream.write(entry.chunk, (err) => {
      if (!err) this.#settle(entry.seq, cost(entry.chunk));
    });
  }

  /** Opens synchronously (so errors reach the caller of {@link LogFile.open}); see {@link LogFile.#choose}. */
  #openSync(rotateNow: boolean): State {
    const fd = openSync(this.path, 'a', 0o666);
    let st: Stats;
    try {
      st = fstatSync(fd);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    return this.#choose(fd, st, rotateNow);
  }

  /** Opens without blocking the event loop; see {@link LogFile.#choose}. */
  async #open(rotateNow: boolean): Promise<State> {
    const fd = await openAsync(this.path, 'a', 0o666);
    const st = await fstatAsync(fd).catch((err: unknown) => {
      close(fd, () => {});
      throw err;
    });
    return this.#choose(fd, st, rotateNow);
  }

  /** How to write the file open on `fd`. `rotateNow`: it is known to be full; the new stream rotates it. */
  #choose(fd: number, st: Stats, rotateNow: boolean): State {
    const { size } = st;
    const regular = st.isFile();
    const { maxbytes, interval, compress } = this.#options;
    // rotating-file-stream keeps time and compresses: with either, it owns the file from the start.
    const own = Boolean(interval || compress) && regular;
    const rotates = (maxbytes > 0 || own) && regular;
    if (!rotates || (!own && size < maxbytes && !rotateNow)) {
      // A plain append stream: for good without maxbytes, and for special files (with maxbytes supervisord
      // fails every write to one, "Illegal seek"; procvisor never rotates it); else until a rotation is due.
      const stream = this.#watch(createWriteStream(this.path, { fd, flags: 'a' }));
      return rotates ? { kind: 'ready', stream, left: maxbytes - size } : { kind: 'ready', stream };
    }
    close(fd, () => {});
    if (own && !rotateNow && (maxbytes === 0 || size < maxbytes))
      return { kind: 'ready', stream: this.#rotatingStream(maxbytes - size) };
    if (!rotateNow) return { kind: 'full' };
    // It rotates as it opens the file (asynchronously): flushed() waits for that from now on.
    this.#rotating = true;
    return { kind: 'ready', stream: this.#rotatingStream(maxbytes) };
  }

  /** A rotating-file-stream ({@link rotatingSink}) whose rotations this file waits for. */
  #rotatingStream(left: number): Sink {
    return this.#watch(
      rotatingSink(this.path, this.#options, left, {
        rotation: () => {
          this.#rotating = true;
        },
        open: () => {
          if (!this.#rotating) return;
          this.#rotating = false;
          for (const w of this.#rotationWaiters.splice(0)) w();
        },
      }),
    );
  }

  #watch<S extends Sink>(stream: S): S {
    stream.on('error', (err: Error) => this.#fail(stream, err));
    return stream;
  }

  /** Marks chunks up to `seq` settled, `weight` fewer in flight; wakes waiters and a paused caller. */
  #settle(seq: number, weight: number): void {
    if (seq > this.#settled) this.#settled = seq;
    this.#inflight = Math.max(0, this.#inflight - weight);
    if (this.#waiters.length > 0) {
      const ready = this.#waiters.filter((w) => w.seq <= this.#settled);
      this.#waiters = this.#waiters.filter((w) => w.seq > this.#settled);
      for (const w of ready) w.resolve();
    }
    if (this.#paused && this.#inflight <= LOW_WATER_MARK) {
      this.#paused = false;
      this.#events.drain();
    }
  }

  /** Everything accepted so far counts as settled: written, or dropped with the stream that died. */
  #dropPending(): void {
    for (const e of this.#pending) this.#dropped += e.chunk.length;
    this.#pending = [];
    this.#inflight = 0;
    this.#settle(this.#accepted, 0);
    this.#rotating = false;
    for (const w of this.#rotationWaiters.splice(0)) w();
  }

  #fail(stream: Sink, err: Error): void {
    const state = this.#state;
    if (state.kind !== 'ready' || state.stream !== stream) return;
    this.#state = { kind: 'failed', since: this.#clock.now() };
    stream.destroy();
    this.#dropPending();
    this.#events.error(err);
  }

  /**
   * Ends the stream a switch leaves (`prior`: the current one, or the one an earlier switch opened while this
   * one waited). The chunks accepted before this switch was asked for go to it first, and rotate after the
   * one that reaches maxbytes, as {@link LogFile.write} would have had them.
   */
  async #drainInto(prior: Open, boundary: number): Promise<void> {
    const due = this.#pending.filter((e) => e.seq <= boundary);
    this.#pending = this.#pending.filter((e) => e.seq > boundary);
    let current = prior;
    for (const e of due) {
      if (current.kind === 'full') {
        // supervisord writes, then rotates (see #put).
        await appendFile(this.path, e.chunk);
        this.#settle(e.seq, cost(e.chunk));
      } else {
        this.#writeTo(current.stream, e);
        if (current.left === undefined || (current.left -= e.chunk.length) > 0) continue;
        await endStream(current.stream);
      }
      await shiftBackups(this.path, this.#options);
      const reopened = await this.#open(false);
      if (reopened.kind !== 'ready' && reopened.kind !== 'full')
        throw new Error(`${this.path}: not writable`);
      current = reopened;
    }
    if (current.kind === 'ready') await endStream(current.stream);
  }

  /**
   * Ends the current stream (if any), runs `between`, opens a new stream and writes the chunks that
   * waited. Switches are chained, so they never overlap.
   */
  #switchStream(between: () => Promise<void>, why: Why, boundary = this.#accepted): void {
    const previous = this.#state;
    this.#state = { kind: 'switching' };
    this.#switchesQueued++;
    this.#switch = this.#switch.then(async () => {
      this.#switchesQueued--;
      const prior = previous.kind === 'ready' ? previous : this.#handoff;
      this.#handoff = null;
      let next: State;
      try {
        if (prior) await this.#drainInto(prior, boundary);
        await between();
        if (this.#state.kind !== 'switching') return; // closed meanwhile
        next = await this.#open(why === 'rotate');
      } catch (err) {
        if (this.#state.kind !== 'switching') return;
        this.#state = { kind: 'failed', since: this.#clock.now() };
        this.#dropPending();
        if (why !== 'recover') this.#events.error(err as Error);
        return;
      }
      if (why === 'recover') {
        const dropped = this.#dropped;
        this.#dropped = 0;
        this.#events.recovered(dropped);
      }
      if (this.#switchesQueued > 0) {
        // Another switch waits: it writes what came before it to this stream, then ends it.
        if (next.kind === 'ready' || next.kind === 'full') this.#handoff = next;
        return;
      }
      this.#state = next;
      const pending = this.#pending;
      this.#pending = [];
      for (const entry of pending) this.#put(entry);
    });
  }
}
