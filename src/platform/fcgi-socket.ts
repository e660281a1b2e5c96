/**
 * The listening socket of a FastCGI program, opened by the host and given to each of its processes as stdin
 * (supervisord's `socket_manager.py` and `datatypes.py *StreamSocketConfig.create_and_bind`).
 *
 * Node cannot hold a listening socket without accepting on it: `listen()` also starts libuv's accept loop,
 * which would take connections from the children. So the host binds the socket (libuv's bind, with
 * `SO_REUSEADDR` as supervisord sets it), and a helper process started from this Node binary, given the
 * socket as its stdin, calls `listen(2)` on it and exits before its event loop ever runs. The listening
 * state belongs to the socket, so the host's descriptor is then a listening socket that nothing in the host
 * polls, ready for `dup2` onto each child's fd 0.
 * @module
 */
import { spawn } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { chmodSync, chownSync, existsSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { constants as osConstants } from 'node:os';
import { getSystemErrorMap } from 'node:util';
import type { FcgiSocketConfig } from '../config/fcgi-socket.js';
import { SupervisorError } from '../errors.js';
import { lookupGroupId, lookupUser } from './users.js';

/** libuv's handle of a bound socket, as `net._createServerHandle` returns it. */
interface BoundHandle {
  readonly fd: number;
  close(callback?: () => void): void;
  /** TCP only: fills `out` with the bound address; returns a libuv error number or 0. */
  getsockname?(out: { port?: number }): number;
}

/** libuv's `EADDRINUSE`. */
const EADDRINUSE = -(osConstants.errno.EADDRINUSE ?? 98);

type CreateServerHandle = (address: string, port: number, addressType: number) => BoundHandle | number;

/** `net._createServerHandle`: the bind without listen that Node's cluster module uses. */
function createServerHandle(): CreateServerHandle {
  const fn = (net as unknown as { _createServerHandle?: CreateServerHandle })._createServerHandle;
  if (typeof fn !== 'function') {
    throw new Error(`this Node (${process.version}) has no net._createServerHandle to bind a socket with`);
  }
  return fn;
}

/** A libuv error number as text: `EADDRINUSE: address already in use`. */
function errnoText(errno: number): string {
  const [name, message] = getSystemErrorMap().get(errno) ?? [`errno ${errno}`, 'unknown error'];
  return `${name}: ${message}`;
}

// The helper: listen(2) on fd 0 with the backlog in argv, then exit at once (no accept can run), 0 on success.
const LISTEN = `
const s = require('node:net').createServer();
s.on('error', () => {});
s.listen({ fd: 0, backlog: Number(process.argv[1]) });
if (!s.listening) { process.stderr.write('listen failed'); process.exit(1); }
process.exit(0);
`;

/** The backlog supervisord uses when `socket_backlog` is unset: Python's `socket.SOMAXCONN`. */
const SOMAXCONN = 4096;

/** Runs the listen helper on `fd`; rejects with its error. */
function listenOn(fd: number, backlog: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const helper = spawn(process.execPath, ['-e', LISTEN, String(backlog)], {
      stdio: [fd, 'ignore', 'pipe'],
      env: {},
      windowsHide: true,
    });
    let stderr = '';
    helper.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    helper.once('error', reject);
    helper.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`listen failed (${stderr.trim() || `helper exited with ${code ?? signal}`})`));
    });
  });
}

/** How a socket's owner is found: `user` or `user:group` as written. */
function ownerIds(owner: string): { uid: number; gid: number } {
  const [userName = '', groupName] = owner.split(':');
  const user = lookupUser(userName);
  if (!user) throw new Error(`Invalid user name ${userName}`);
  if (groupName === undefined) return { uid: user.uid, gid: user.gid };
  const gid = lookupGroupId(groupName);
  if (gid === null) throw new Error(`Invalid group name ${groupName}`);
  return { uid: user.uid, gid };
}

/**
 * A FastCGI program's socket, bound and listening while it is open.
 * @internal
 */
export class FcgiSocket {
  readonly config: FcgiSocketConfig;
  readonly #handle: BoundHandle;
  #closed: Promise<void> | null = null;

  private constructor(config: FcgiSocketConfig, handle: BoundHandle) {
    this.config = config;
    this.#handle = handle;
  }

  /** The descriptor each child gets as its stdin. */
  get fd(): number {
    return this.#handle.fd;
  }

  /**
   * Creates, binds and listens, as supervisord's `_prepare_socket`; a unix socket replaces a file left at its
   * path and gets `socket_owner` (or `user`, the program's user when not the host's) and `socket_mode`.
   * @param user - the program's `user`, for the default owner of a unix socket
   * @throws SupervisorError FAILED: `Could not create FastCGI socket URL: ...`
   */
  static async open(config: FcgiSocketConfig, user: string | null): Promise<FcgiSocket> {
    let handle: BoundHandle | null = null;
    try {
      const bind = createServerHandle();
      const address = config.address;
      let bound: BoundHandle | number;
      if (address.kind === 'tcp') {
        // AF_INET as supervisord's InetStreamSocketConfig: the host name resolves to an IPv4 address.
        const { address: ip } = await lookup(address.host, { family: 4 });
        bound = bind(ip, address.port, 4);
      } else {
        if (existsSync(address.path)) unlinkSync(address.path);
        bound = bind(address.path, -1, -1);
      }
      if (typeof bound === 'number') throw new Error(errnoText(bound));
      handle = bound;
      if (address.kind === 'tcp') {
        // libuv defers EADDRINUSE from bind to listen; listen(2) on an unbound socket would then pick an
        // ephemeral port. A socket not bound to its port is the bind's failure.
        const name: { port?: number } = {};
        const err = handle.getsockname?.(name) ?? 0;
        if (err !== 0) throw new Error(errnoText(err));
        if (name.port !== address.port) throw new Error(errnoText(EADDRINUSE));
      }
      if (address.kind === 'unix') {
        const owner = config.owner ?? defaultOwner(user);
        if (owner !== null) {
          const ids = ownerIds(owner);
          chownSync(address.path, ids.uid, ids.gid);
        }
        if (config.mode !== null) chmodSync(address.path, config.mode);
      }
      await listenOn(handle.fd, config.backlog ?? SOMAXCONN);
      return new FcgiSocket(config, handle);
    } catch (err) {
      handle?.close();
      throw new SupervisorError(
        'FAILED',
        `Could not create FastCGI socket ${config.url}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }

  /** Closes the socket (a unix socket's file goes with it); the children keep their copies. */
  close(): Promise<void> {
    this.#closed ??= new Promise((resolve) => this.#handle.close(resolve));
    return this.#closed;
  }
}

/** supervisord's default owner of a unix socket: the program's user, when it is not the host's. */
function defaultOwner(user: string | null): string | null {
  if (user === null) return null;
  const ids = lookupUser(user);
  return ids && ids.uid !== (process.getuid?.() ?? ids.uid) ? String(ids.uid) : null;
}
