/**
 * Where a process's output goes: its log files and PROCESS_LOG events
 * (`supervisor/dispatchers.py POutputDispatcher`). One per Process, alive as long as its group.
 * @module
 */
import { createWriteStream, openSync, closeSync, rmSync, type WriteStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { ProcessConfig } from '../config/types.js';
import { ProcessLogEvent, type SupervisorEvent } from '../events/events.js';

/** What a ProcessOutput needs from its process and supervisor. */
export interface OutputHost {
  readonly config: ProcessConfig;
  readonly childlogdir: string;
  readonly identifier: string;
  /** The current child's pid (0 when none). */
  pid(): number;
  /** Emits an event on the supervisor. */
  emit(event: SupervisorEvent): void;
  /** Reports a fault that must not stop the child (e.g. a log that cannot be written). */
  fault(error: Error): void;
}

type Channel = 'stdout' | 'stderr';

/** The log files and events of one process. */
export class ProcessOutput {
  readonly #host: OutputHost;
  readonly #paths: Record<Channel, string | null>;
  #streams: Record<Channel, WriteStream | null> = { stdout: null, stderr: null };
  #autoFiles: string[] = [];

  constructor(host: OutputHost) {
    this.#host = host;
    this.#paths = { stdout: this.#resolve('stdout'), stderr: this.#resolve('stderr') };
  }

  /** `AUTO` files are made empty when the group is created, as supervisord's `create_autochildlogs`. */
  #resolve(channel: Channel): string | null {
    const setting = this.#host.config[channel].logfile;
    if (setting !== 'AUTO') return setting;
    // Python's mkstemp names: 8 characters from [a-z0-9_].
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789_';
    const random = [...randomBytes(8)].map((b) => alphabet[b % alphabet.length]).join('');
    const path = join(
      this.#host.childlogdir,
      `${this.#host.config.name}-${channel}---${this.#host.identifier}-${random}.log`,
    );
    try {
      closeSync(openSync(path, 'wx', 0o600));
      this.#autoFiles.push(path);
      return path;
    } catch (err) {
      this.#host.fault(err as Error);
      return null;
    }
  }

  /** The stdout log file path ('' when none), as getProcessInfo reports it. */
  get stdoutLogfile(): string {
    return this.#paths.stdout ?? '';
  }

  /** The stderr log file path ('' when none). */
  get stderrLogfile(): string {
    return this.#paths.stderr ?? '';
  }

  /** Opens the log files for a new child. */
  open(): void {
    for (const channel of ['stdout', 'stderr'] as const) {
      const path = this.#paths[channel];
      if (path === null || this.#streams[channel]) continue;
      const stream = createWriteStream(path, { flags: 'a' });
      stream.on('error', (err) => {
        this.#streams[channel] = null;
        this.#host.fault(err);
      });
      this.#streams[channel] = stream;
    }
  }

  /** Handles one chunk of output as it arrives. */
  write(channel: Channel, chunk: Buffer): void {
    const c = this.#host.config[channel];
    this.#streams[channel]?.write(chunk);
    if (c.eventsEnabled) {
      this.#host.emit(
        new ProcessLogEvent({
          processName: this.#host.config.name,
          groupName: this.#host.config.groupName,
          pid: this.#host.pid(),
          channel,
          data: chunk,
        }),
      );
    }
  }

  /** Closes the log files (the child was reaped). Resolves when everything is flushed. */
  async close(): Promise<void> {
    const streams = [this.#streams.stdout, this.#streams.stderr].filter((s): s is WriteStream => s !== null);
    this.#streams = { stdout: null, stderr: null };
    await Promise.all(streams.map((s) => new Promise<void>((resolve) => s.end(resolve))));
  }

  /** The group is going away: close, and remove AUTO files unless `nocleanup`. */
  async dispose(nocleanup: boolean): Promise<void> {
    await this.close();
    if (!nocleanup) for (const f of this.#autoFiles) rmSync(f, { force: true });
  }
}
