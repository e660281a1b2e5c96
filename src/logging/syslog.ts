/**
 * `*_syslog`: each line of output goes to the local syslog socket as `<process_name> <line>`
 * (`supervisor/loggers.py SyslogHandler`, format `config.name + ' %(message)s'`), the way Python's
 * `syslog.syslog()` sends it through glibc's `syslog(3)`: facility user, priority info,
 * `<14>Mmm dd hh:mm:ss <ident>: <message>`.
 *
 * Node has no unix datagram sockets, and `/dev/log` is one on most Linux systems. So the transport first
 * connects to the socket as a stream socket (syslog-ng and some containers provide one; glibc frames each
 * message with a NUL there, as done here); when the socket turns out to be a datagram socket (EPROTOTYPE)
 * it starts one long-lived util-linux `logger -d -u <socket>` child and feeds it lines on stdin. A missing
 * socket, a missing `logger`, or a transport that dies is reported once to each process using it and
 * never throws; lines are dropped meanwhile and a new attempt is made after {@link SYSLOG_RETRY_MS}.
 * One transport is shared by every process with the same socket and ident.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, type Socket } from 'node:net';

/** Where and how syslog lines are sent. */
export interface SyslogOptions {
  /**
   * The local syslog socket.
   * @default '/dev/log' ('/var/run/syslog' on macOS)
   */
  readonly path?: string;
  /**
   * The tag (glibc's `ident`). supervisord's is its program name, `supervisord`.
   * @default 'procvisor'
   */
  readonly ident?: string;
}

/** How long after a failure the next line tries to reach syslog again. */
export const SYSLOG_RETRY_MS = 5000;
/** Memory taken by messages waiting to be sent above which new lines are dropped (syslog is lossy). */
const MAX_QUEUED = 1 << 20;
/**
 * What a waiting message costs besides its text: the string and the socket's write request with its
 * callback. Counting it bounds the count of waiting messages too: a child writing empty lines is dropped
 * after about 4,000 waiting messages, not after a million.
 */
const MESSAGE_OVERHEAD = 256;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The default socket path of this platform. */
export function defaultSyslogPath(): string {
  return process.platform === 'darwin' ? '/var/run/syslog' : '/dev/log';
}

/** glibc's `syslog(3)` header for LOG_USER|LOG_INFO: `<14>Mmm dd hh:mm:ss ident: ` (%h %e %T, local). */
export function syslogHeader(ident: string, date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return `<14>${MONTHS[date.getMonth()]} ${String(date.getDate()).padStart(2, ' ')} ${time} ${ident}: `;
}

/**
 * supervisord's SyslogHandler.emit: the chunk's trailing newlines are removed, then every line (empty ones
 * included) becomes one message prefixed with the process name and a space.
 */
export function syslogMessages(processName: string, data: Buffer): string[] {
  const text = data.toString('utf8').replace(/\n+$/, '');
  return text.split('\n').map((line) => `${processName} ${line}`);
}

/** Messages written to a stream and not yet handed to the kernel (their callbacks have not run). */
interface Unsent {
  unsent: number;
}

type TransportState =
  | { kind: 'idle' }
  | { kind: 'connecting'; socket: Socket; queue: string[]; queued: number }
  | ({ kind: 'stream'; socket: Socket } & Unsent)
  | ({ kind: 'logger'; child: ChildProcess } & Unsent)
  | { kind: 'down'; since: number };

/** Writes `text` to `stream` unless what waits there already takes {@link MAX_QUEUED}. */
function writeBounded(
  stream: NodeJS.WritableStream & { writableLength: number },
  text: string,
  state: Unsent,
) {
  if (stream.writableLength + state.unsent * MESSAGE_OVERHEAD > MAX_QUEUED) return;
  state.unsent++;
  stream.write(text, () => state.unsent--);
}

class Transport {
  readonly path: string;
  readonly ident: string;
  readonly handles = new Set<SyslogHandle>();
  #state: TransportState = { kind: 'idle' };

  constructor(path: string, ident: string) {
    this.path = path;
    this.ident = ident;
  }

  send(message: string): void {
    const state = this.#state;
    switch (state.kind) {
      case 'down':
        if (Date.now() - state.since < SYSLOG_RETRY_MS) return;
        this.#connect(message);
        return;
      case 'idle':
        this.#connect(message);
        return;
      case 'connecting':
        if (state.queued > MAX_QUEUED) return;
        state.queue.push(message);
        state.queued += message.length + MESSAGE_OVERHEAD;
        return;
      case 'stream':
        writeBounded(state.socket, `${syslogHeader(this.ident)}${message}\0`, state);
        return;
      case 'logger': {
        const stdin = state.child.stdin;
        if (stdin) writeBounded(stdin, `${message}\n`, state);
        return;
      }
    }
  }

  /** Messages waiting in this process to be sent (queued while connecting, or not yet written out). */
  get waiting(): number {
    const state = this.#state;
    if (state.kind === 'connecting') return state.queue.length;
    return state.kind === 'stream' || state.kind === 'logger' ? state.unsent : 0;
  }

  close(): void {
    const state = this.#state;
    this.#state = { kind: 'idle' };
    if (state.kind === 'connecting' || state.kind === 'stream') state.socket.destroy();
    if (state.kind === 'logger') state.child.stdin?.end();
  }

  #connect(first: string): void {
    const socket = createConnection({ path: this.path });
    socket.unref();
    const state: TransportState = { kind: 'connecting', socket, queue: [first], queued: first.length };
    this.#state = state;
    socket.once('connect', () => {
      if (this.#state !== state) return;
      this.#state = { kind: 'stream', socket, unsent: 0 };
      for (const h of this.handles) h._reset();
      for (const m of state.queue) this.send(m);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (this.#state === state && err.code === 'EPROTOTYPE') {
        this.#startLogger(state.queue);
        return;
      }
      if (this.#state === state || (this.#state.kind === 'stream' && this.#state.socket === socket)) {
        this.#fail(new Error(`syslog socket ${this.path}: ${err.code ?? err.message}`));
      }
    });
    socket.on('close', () => {
      if (this.#state.kind === 'stream' && this.#state.socket === socket) {
        this.#fail(new Error(`syslog socket ${this.path} closed the connection`));
      }
    });
  }

  /** A datagram socket: one util-linux `logger` child sends each stdin line as one datagram. */
  #startLogger(queue: string[]): void {
    let child: ChildProcess;
    try {
      child = spawn(
        'logger',
        ['-d', '-u', this.path, '-t', this.ident, '-p', 'user.info', '--size', '65000', '--socket-errors=on'],
        { stdio: ['pipe', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } },
      );
    } catch (err) {
      this.#fail(this.#loggerError(err as NodeJS.ErrnoException));
      return;
    }
    const state: TransportState = { kind: 'logger', child, unsent: 0 };
    this.#state = state;
    child.unref();
    (child.stdin as unknown as Socket | null)?.unref?.();
    (child.stderr as unknown as Socket | null)?.unref?.();
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 1000) stderr += d.toString();
    });
    child.stdin?.on('error', () => {});
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (this.#state === state) this.#fail(this.#loggerError(err));
    });
    child.on('exit', (code) => {
      if (this.#state !== state) return;
      this.#fail(new Error(`syslog: logger exited with status ${code ?? 'null'}: ${stderr.trim()}`));
    });
    for (const h of this.handles) h._reset();
    for (const m of queue) this.send(m);
  }

  #loggerError(err: NodeJS.ErrnoException): Error {
    return err.code === 'ENOENT'
      ? new Error(`syslog socket ${this.path} is a datagram socket and the 'logger' command was not found`)
      : new Error(`syslog: could not run logger: ${err.code ?? err.message}`);
  }

  #fail(error: Error): void {
    const state = this.#state;
    this.#state = { kind: 'down', since: Date.now() };
    if (state.kind === 'connecting' || state.kind === 'stream') state.socket.destroy();
    if (state.kind === 'logger') state.child.kill();
    for (const h of [...this.handles]) h._fail(error);
  }
}

const transports = new Map<string, Transport>();

/**
 * One process channel's use of a syslog transport. {@link SyslogHandle.release} it when the process goes
 * away; the transport closes when nobody uses it.
 */
export class SyslogHandle {
  readonly #transport: Transport;
  readonly #onError: (error: Error) => void;
  #reported = false;
  #released = false;

  /** @internal Use {@link acquireSyslog}. */
  constructor(transport: Transport, onError: (error: Error) => void) {
    this.#transport = transport;
    this.#onError = onError;
  }

  /** Sends one chunk of output as supervisord's SyslogHandler does. */
  sendChunk(processName: string, data: Buffer): void {
    if (this.#released) return;
    for (const m of syslogMessages(processName, data)) this.#transport.send(m);
  }

  /** @internal Messages waiting in this process to be sent on the shared transport (for tests). */
  get _waiting(): number {
    return this.#transport.waiting;
  }

  /** Stops using the transport. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#transport.handles.delete(this);
    if (this.#transport.handles.size === 0) {
      this.#transport.close();
      transports.delete(`${this.#transport.path}\0${this.#transport.ident}`);
    }
  }

  /** @internal The transport works (again): a later failure is reported again. */
  _reset(): void {
    this.#reported = false;
  }

  /** @internal The transport failed: report it once. */
  _fail(error: Error): void {
    if (this.#reported || this.#released) return;
    this.#reported = true;
    try {
      this.#onError(error);
    } catch {
      // a reporting callback must not break the transport
    }
  }
}

/** A handle on the shared transport for these options; `onError` hears about failures (once each). */
export function acquireSyslog(options: SyslogOptions, onError: (error: Error) => void): SyslogHandle {
  const path = options.path ?? defaultSyslogPath();
  const ident = options.ident ?? 'procvisor';
  const key = `${path}\0${ident}`;
  let transport = transports.get(key);
  if (!transport) {
    transport = new Transport(path, ident);
    transports.set(key, transport);
  }
  const handle = new SyslogHandle(transport, onError);
  transport.handles.add(handle);
  return handle;
}
