/**
 * Where a process's output goes: its log files, syslog, capture mode, PROCESS_LOG / PROCESS_COMMUNICATION
 * events and line followers (`supervisor/dispatchers.py POutputDispatcher`, `options.py
 * ProcessConfig.create_autochildlogs`, `process.py Subprocess.removelogs`). One per Process, alive as long
 * as its group.
 * @module
 */
import { systemClock, type Clock } from '../clock.js';
import { closeSync, existsSync, openSync, readdirSync, rmSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { basename, dirname, join } from 'node:path';
import type { ChannelLogConfig, ProcessConfig } from '../config/types.js';
import { SupervisorError } from '../errors.js';
import { ProcessCommunicationEvent, ProcessLogEvent, type SupervisorEvent } from '../events/events.js';
import { OutputDispatcher } from './dispatcher.js';
import { LineFollower, type LinesOptions } from './lines.js';
import { LineStamper } from './line-stamps.js';
import { LogFile } from './log-file.js';
import { checkLogExists, readLogFile, tailLogFile, decodeLog, type TailResult } from './read.js';
import { acquireSyslog, type SyslogHandle, type SyslogOptions } from './syslog.js';
import type { Channel, LogErrorRecord } from './types.js';

/** What a ProcessOutput needs from its process and supervisor. */
export interface OutputHost {
  readonly config: ProcessConfig;
  readonly childlogdir: string;
  readonly identifier: string;
  /** `strip_ansi` of the supervisor. */
  readonly stripAnsi?: boolean;
  /** Where `*Syslog` lines go. */
  readonly syslog?: SyslogOptions;
  /** The current child's pid (0 when none). */
  pid(): number;
  /** Emits an event on the supervisor. */
  emit(event: SupervisorEvent): void;
  /** Reports a log that cannot be written; the child must keep running. */
  fault(record: LogErrorRecord): void;
  /** Times the pause after a write error. */
  readonly clock?: Clock;
  /** Writes an activity-log line (recoveries). */
  note?(message: string): void;
  /** Stop reading the child's `channel` pipe: its log file is behind. */
  pause?(channel: Channel): void;
  /** Read the child's `channel` pipe again. */
  resume?(channel: Channel): void;
}

const CHANNELS = ['stdout', 'stderr'] as const;

/** Python's `tempfile` name characters (`_RandomNameSequence`). */
const MKSTEMP_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789_';

/**
 * supervisord's AUTO log name (`ServerOptions.get_autochildlog_name`, `mkstemp`):
 * `<childlogdir>/<name>-<channel>---<identifier>-<8 random chars>.log`, created empty with mode 0600.
 * @throws the `open(2)` error when the directory is missing or unwritable.
 */
export function createAutoLog(
  childlogdir: string,
  name: string,
  channel: Channel,
  identifier: string,
): string {
  for (let attempt = 0; ; attempt++) {
    let random = '';
    for (let i = 0; i < 8; i++) random += MKSTEMP_CHARS[randomInt(MKSTEMP_CHARS.length)];
    const path = join(childlogdir, `${name}-${channel}---${identifier}-${random}.log`);
    try {
      closeSync(openSync(path, 'wx', 0o600));
      return path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 100) throw err;
    }
  }
}

/** Deletes a log file and its rotated backups (`path.1` ... and the truncation scratch name). */
export function removeLogAndBackups(path: string): void {
  rmSync(path, { force: true });
  const dir = dirname(path);
  const base = basename(path);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(`${base}.`)) continue;
    const suffix = n.slice(base.length + 1);
    if (/^\d+(?:\.gz)?$/.test(suffix) || suffix === 'procvisor-truncated')
      rmSync(join(dir, n), { force: true });
  }
}

/** One channel of one process. */
class ChannelOutput {
  readonly channel: Channel;
  readonly config: ChannelLogConfig;
  /** The log file path (AUTO resolved), or null for NONE. */
  readonly path: string | null;
  readonly auto: boolean;
  readonly #host: OutputHost;
  #dispatcher: OutputDispatcher | null = null;
  #file: LogFile | null = null;
  #syslog: SyslogHandle | null = null;
  /** The line timestamps of the current child's log file, if configured. */
  #stamper: LineStamper | null = null;
  readonly followers = new Set<LineFollower>();
  #paused = false;
  /** The file of the last child, still writing out what it was given. */
  #closing: Promise<void> = Promise.resolve();

  constructor(host: OutputHost, channel: Channel) {
    this.#host = host;
    this.channel = channel;
    this.config = host.config[channel];
    const setting = this.config.logfile;
    this.auto = setting === 'AUTO';
    if (setting === 'AUTO') {
      let path: string | null = null;
      try {
        path = createAutoLog(host.childlogdir, host.config.name, channel, host.identifier);
      } catch (err) {
        this.#fault('file', join(host.childlogdir, `${host.config.name}-${channel}---*.log`), err);
      }
      this.path = path;
    } else {
      this.path = setting;
    }
  }

  /** The child is being spawned: a new dispatcher (supervisord makes new ones per spawn) and the file. */
  open(): void {
    this.#dispatcher = new OutputDispatcher(
      { captureMaxbytes: this.config.captureMaxbytes, stripAnsi: this.#host.stripAnsi ?? false },
      {
        log: (data) => this.#log(data),
        logEvent: (data) => this.#event(ProcessLogEvent, data),
        communication: (data) => this.#event(ProcessCommunicationEvent, data),
      },
    );
    const format = this.config.timestamps;
    this.#stamper = format ? new LineStamper(format, () => (this.#host.clock ?? systemClock).wall()) : null;
    if (this.config.syslog && !this.#syslog) {
      this.#syslog = acquireSyslog(this.#host.syslog ?? {}, (err) =>
        this.#fault('syslog', this.#host.syslog?.path ?? 'syslog', err),
      );
    }
    if (this.path === null || this.#file) return;
    // Opened in the background: a slow disk must not hold up the spawn or the host. What the child writes
    // meanwhile waits for the file; an unwritable one is a fault, and output is dropped until it is writable.
    this.#file = LogFile.openInBackground(
      this.path,
      {
        maxbytes: this.config.logfileMaxbytes,
        backups: this.config.logfileBackups,
        interval: this.config.logfileInterval,
        compress: this.config.logfileCompress,
        ...(this.#host.clock ? { clock: this.#host.clock } : {}),
      },
      {
        error: (err) => this.#fault('file', this.path!, err),
        recovered: (dropped) =>
          this.#host.note?.(
            `${this.#host.config.name}: ${this.channel} log ${this.path} is writable again` +
              (dropped ? `; ${dropped} bytes of output were lost` : ''),
          ),
        drain: () => this.#resume(),
      },
    );
  }

  /** One chunk from the child. */
  write(chunk: Buffer): void {
    if (this.#dispatcher) this.#dispatcher.feed(chunk);
    else this.#log(chunk); // output without open() (a fake spawner): still logged
  }

  /** The child was reaped: flush what the dispatcher held back, close the file. */
  async close(): Promise<void> {
    this.#dispatcher?.end();
    this.#dispatcher = null;
    for (const f of this.followers) f.flush();
    const file = this.#file;
    this.#file = null;
    this.#resume();
    if (file) this.#closing = file.close();
    await this.#closing;
  }

  /** Everything accepted so far is in the file (the last child's output included). */
  async flushed(): Promise<void> {
    await this.#closing;
    await this.#file?.flushed();
  }

  /**
   * supervisord's `removelogs` for this channel: delete the current file (not the backups) and open a new
   * one, and forget captured text. supervisord does this only for a running process (a stopped one has no
   * dispatchers, so its logs are left alone); procvisor also clears a stopped process's file, leaving an
   * empty file as a running process's clear does.
   */
  async clear(): Promise<void> {
    this.#dispatcher?.clearCapture();
    await this.#closing;
    if (this.#file) {
      await this.#file.clear();
      return;
    }
    if (this.path === null) return;
    rmSync(this.path, { force: true });
    closeSync(openSync(this.path, 'a', this.auto ? 0o600 : 0o666));
  }

  /** Rotates the log file of a running child now. */
  async rotate(): Promise<void> {
    await this.#file?.rotate();
  }

  /** Reopens the log file of a running child (supervisord's `reopenlogs`); a failure is a fault. */
  async reopen(): Promise<void> {
    await this.#file?.reopen();
  }

  /** The group is going away. */
  async dispose(nocleanup: boolean): Promise<void> {
    await this.close();
    for (const f of [...this.followers]) f.end();
    this.#syslog?.release();
    this.#syslog = null;
    if (this.auto && this.path !== null && !nocleanup) removeLogAndBackups(this.path);
  }

  /** supervisord's `childlog.info(data)` for the normal log: file, syslog, line followers. */
  #log(data: Buffer): void {
    if (data.length === 0) return;
    if (this.#file && !this.#file.write(this.#stamper ? this.#stamper.stamp(data) : data)) this.#pause();
    this.#syslog?.sendChunk(this.#host.config.name, data);
    for (const f of this.followers) f.push(data);
  }

  #event(Event: typeof ProcessLogEvent | typeof ProcessCommunicationEvent, data: Buffer): void {
    if (Event === ProcessLogEvent && !this.config.eventsEnabled) return;
    this.#host.emit(
      new Event({
        processName: this.#host.config.name,
        groupName: this.#host.config.groupName,
        pid: this.#host.pid(),
        channel: this.channel,
        data,
      }),
    );
  }

  #pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#host.pause?.(this.channel);
  }

  #resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#host.resume?.(this.channel);
  }

  #fault(kind: 'file' | 'syslog', target: string, err: unknown): void {
    this.#host.fault({
      processName: this.#host.config.name,
      groupName: this.#host.config.groupName,
      channel: this.channel,
      kind,
      target,
      error: err instanceof Error ? err : new Error(String(err)),
    });
  }
}

/**
 * The log files, syslog, capture mode, events and line followers of one process.
 * @example
 * ```ts
 * const output = new ProcessOutput(host); // at group creation: AUTO files are made
 * output.open();                          // at each spawn
 * output.write('stdout', chunk);          // for every chunk
 * await output.close();                   // when the child is reaped
 * await output.dispose(false);            // when the group is removed
 * ```
 */
export class ProcessOutput {
  readonly #channels: Record<Channel, ChannelOutput>;
  #disposed = false;

  constructor(host: OutputHost) {
    this.#channels = { stdout: new ChannelOutput(host, 'stdout'), stderr: new ChannelOutput(host, 'stderr') };
  }

  /** The stdout log file path ('' when none), as getProcessInfo reports it. */
  get stdoutLogfile(): string {
    return this.#channels.stdout.path ?? '';
  }

  /** The stderr log file path ('' when none). */
  get stderrLogfile(): string {
    return this.#channels.stderr.path ?? '';
  }

  /** The log file path of a channel, or null (NONE, or AUTO that could not be created). */
  logfile(channel: Channel): string | null {
    return this.#channels[channel].path;
  }

  /**
   * Opens the log files for a new child, in the background. An unwritable file is reported through the
   * host's `fault` and does not stop the spawn.
   */
  open(): void {
    for (const c of CHANNELS) this.#channels[c].open();
  }

  /** Handles one chunk of output as it arrives. */
  write(channel: Channel, chunk: Buffer): void {
    this.#channels[channel].write(chunk);
  }

  /** Closes the log files (the child was reaped). Resolves when everything is written. */
  async close(): Promise<void> {
    await Promise.all(CHANNELS.map((c) => this.#channels[c].close()));
  }

  /** Rotates the open log files now (`Supervisor.rotateLogs`). */
  async rotate(): Promise<void> {
    await Promise.all(CHANNELS.map((c) => this.#channels[c].rotate()));
  }

  /** Reopens the open log files (SIGUSR2, `reopenLogs()`), for files another program rotated. */
  async reopen(): Promise<void> {
    await Promise.all(CHANNELS.map((c) => this.#channels[c].reopen()));
  }

  /** The group is going away: close, end line followers, remove AUTO files unless `nocleanup`. */
  async dispose(nocleanup: boolean): Promise<void> {
    this.#disposed = true;
    await Promise.all(CHANNELS.map((c) => this.#channels[c].dispose(nocleanup)));
  }

  /** Follows `channel` line by line from now on; see {@link LinesOptions}. */
  lines(channel: Channel, options: LinesOptions = {}): LineFollower {
    if (channel !== 'stdout' && channel !== 'stderr') {
      throw new TypeError(`channel must be 'stdout' or 'stderr', got ${JSON.stringify(channel)}`);
    }
    const ch = this.#channels[channel];
    const follower: LineFollower = new LineFollower(options, () => ch.followers.delete(follower));
    if (this.#disposed) follower.end();
    else ch.followers.add(follower);
    return follower;
  }

  /** `readProcessStdoutLog` / `readProcessStderrLog` for this process (supervisord's rules, §4.8). */
  async read(channel: Channel, offset: number, length: number): Promise<string> {
    const ch = this.#channels[channel];
    // Always yield to the event loop once: a caller polling in a loop must not starve the child's output.
    await nextTurn();
    await ch.flushed();
    const path = checkLogExists(ch.path);
    return decodeLog(await readLogFile(path, offset, length));
  }

  /** `tailProcessStdoutLog` / `tailProcessStderrLog`: `[data, offset, overflow]`. */
  async tail(channel: Channel, offset: number, length: number): Promise<TailResult> {
    const ch = this.#channels[channel];
    await nextTurn();
    await ch.flushed();
    if (ch.path === null || !existsSync(ch.path)) return ['', 0, false];
    return tailLogFile(ch.path, offset, length);
  }

  /** `clearProcessLogs` for this process; FAILED on an I/O error. */
  async clear(name: string): Promise<void> {
    try {
      for (const c of CHANNELS) await this.#channels[c].clear();
    } catch (err) {
      throw new SupervisorError('FAILED', name, { cause: err });
    }
  }
}
