/**
 * The FastCGI socket of a program (supervisord's `[fcgi-program:x]` `socket`, `socket_backlog`,
 * `socket_owner`, `socket_mode`): its address as written in the config, checked and read into a
 * {@link FcgiSocketConfig} (`options.py parse_fcgi_socket`, `datatypes.py *StreamSocketConfig`).
 * @module
 */
import path from 'node:path';

/** Where a FastCGI socket listens. */
export type FcgiAddress =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'unix'; readonly path: string };

/** A program's FastCGI socket, resolved. */
export interface FcgiSocketConfig {
  /** `tcp://host:port` (host lower-cased) or `unix:///absolute/path` (normalised), as supervisord prints it. */
  readonly url: string;
  /** The address read from {@link FcgiSocketConfig.url}. */
  readonly address: FcgiAddress;
  /** `socket_backlog` (1–65535), or null for the system's `SOMAXCONN`. */
  readonly backlog: number | null;
  /**
   * `socket_owner` of a unix socket: `user` or `user:group`; null = the program's `user` when it is not the
   * host's, else the host's.
   */
  readonly owner: string | null;
  /** `socket_mode` of a unix socket (default 0o700); null for TCP. */
  readonly mode: number | null;
}

/** The options of a program that make it a FastCGI program, as parsed (before `%(name)s` expansion). */
export interface FcgiOptions {
  readonly socket?: string | undefined;
  readonly socketBacklog?: number | undefined;
  readonly socketOwner?: string | undefined;
  readonly socketMode?: number | undefined;
}

/** A problem with one of the socket options: the option and the message. */
export class FcgiSocketError extends Error {
  readonly option: keyof FcgiOptions;
  constructor(option: keyof FcgiOptions, message: string) {
    super(message);
    this.option = option;
    this.name = 'FcgiSocketError';
  }
}

/** Normalises an absolute POSIX path as Python's `os.path.normpath` (a leading `//` is kept). */
function normalize(p: string): string {
  const resolved = path.posix.normalize(p).replace(/\/+$/, '') || '/';
  return /^\/\/(?!\/)/.test(p) ? `/${resolved.replace(/^\/+/, '/')}` : resolved.replace(/^\/+/, '/');
}

/**
 * Reads the socket options of a program whose `socket` is set, after expansion.
 * @throws FcgiSocketError naming the option at fault
 */
export function fcgiSocketOf(options: FcgiOptions & { readonly socket: string }): FcgiSocketConfig {
  const { socket, socketBacklog, socketOwner, socketMode } = options;
  const backlog = socketBacklog ?? null;
  if (backlog !== null && (backlog < 1 || backlog > 65535)) {
    throw new FcgiSocketError('socketBacklog', `expected a listen backlog from 1 to 65535, got ${backlog}`);
  }
  if (socketOwner !== undefined && !/^[^:]+(?::[^:]+)?$/.test(socketOwner)) {
    throw new FcgiSocketError(
      'socketOwner',
      `expected 'user' or 'user:group', got ${JSON.stringify(socketOwner)}`,
    );
  }
  if (socket.startsWith('unix://')) {
    const p = socket.slice('unix://'.length);
    if (!p.startsWith('/')) {
      throw new FcgiSocketError('socket', `the unix socket path must be absolute, got ${JSON.stringify(p)}`);
    }
    const normalized = normalize(p);
    return {
      url: `unix://${normalized}`,
      address: { kind: 'unix', path: normalized },
      backlog,
      owner: socketOwner ?? null,
      mode: socketMode ?? 0o700,
    };
  }
  if (socketOwner !== undefined || socketMode !== undefined) {
    throw new FcgiSocketError(
      socketOwner !== undefined ? 'socketOwner' : 'socketMode',
      'socketOwner and socketMode apply to a unix socket only (unix:///path)',
    );
  }
  const m = /^tcp:\/\/([^\s:]+):(\d+)$/u.exec(socket);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) {
    throw new FcgiSocketError(
      'socket',
      `expected 'tcp://host:port' (port 1-65535) or 'unix:///absolute/path', got ${JSON.stringify(socket)}`,
    );
  }
  const host = (m[1] ?? '').toLowerCase();
  return {
    url: `tcp://${host}:${port}`,
    address: { kind: 'tcp', host, port },
    backlog,
    owner: null,
    mode: null,
  };
}
