/**
 * Binding the listeners as supervisord's `http.py` does. The unix socket is bound under a temporary name,
 * given its mode, then hard-linked to its name (`supervisor_af_unix_http_server`): no client ever sees it with
 * the wrong mode, and a live server already on that name is detected (a stale socket is replaced).
 * @module
 */
import { connect, isIP, type Server } from 'node:net';
import { chmod, chown, link, lstat, rm, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { runGetent, UserDirectory } from '../platform/users.js';
import type { InetListenerOptions, UnixListenerOptions } from './options.js';

function listen(server: Server, target: string | { host?: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(target, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Stops listening; resolves once every connection is closed too. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Whether a loopback address: a server there is reachable from this machine only. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  const h = host.toLowerCase();
  return h === '::1' || h.startsWith('::ffff:127.');
}

/** Listens on TCP; the URL supervisord would export for it (`http://localhost:port` for every interface). */
export async function listenInet(server: Server, options: InetListenerOptions): Promise<string> {
  const { host, port } = options;
  if (typeof host !== 'string')
    throw new TypeError(`inet.host must be a string, got ${JSON.stringify(host)}`);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`inet.port must be a port number, got ${JSON.stringify(port)}`);
  }
  await listen(server, host === '' ? { port } : { host, port });
  const bound = (server.address() as { port: number }).port;
  const shown = host === '' ? 'localhost' : isIP(host) === 6 ? `[${host}]` : host;
  return `http://${shown}:${bound}`;
}

/** The mode of `chmod`: a number, or an octal string as in the INI file. */
function modeOf(chmodOption: number | string | undefined): number {
  if (chmodOption === undefined) return 0o700;
  const mode = typeof chmodOption === 'string' ? Number.parseInt(chmodOption, 8) : chmodOption;
  if (
    !Number.isInteger(mode) ||
    mode < 0 ||
    mode > 0o7777 ||
    (typeof chmodOption === 'string' && !/^[0-7]+$/.test(chmodOption))
  ) {
    throw new TypeError(`unix.chmod must be an octal mode, got ${JSON.stringify(chmodOption)}`);
  }
  return mode;
}

async function gidOf(group: string): Promise<number> {
  if (/^\d+$/.test(group)) return Number(group);
  const line = (await runGetent('group', group))?.split('\n')[0];
  const gid = line?.split(':')[2];
  if (gid === undefined || !/^\d+$/.test(gid))
    throw new TypeError(`unix.chown: no such group ${JSON.stringify(group)}`);
  return Number(gid);
}

/** `chown`'s ids (`datatypes.py colon_separated_user_group`: the group stays unchanged when not given). */
async function ownerOf(option: UnixListenerOptions['chown']): Promise<{ uid: number; gid: number } | null> {
  if (option === undefined || option === null) return null;
  if (typeof option === 'object') return { uid: option.uid, gid: option.gid };
  const [user, group] = option.split(':', 2) as [string, string | undefined];
  const record = await new UserDirectory().lookup(/^\d+$/.test(user) ? Number(user) : user);
  if (!record) throw new TypeError(`unix.chown: no such user ${JSON.stringify(user)}`);
  return { uid: record.uid, gid: group === undefined || group === '' ? -1 : await gidOf(group) };
}

/** Whether a server answers on the socket `file`. */
function answers(file: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(file);
    socket.setTimeout(1000);
    const done = (alive: boolean) => {
      socket.destroy();
      resolve(alive);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** A bound unix socket: its URL, and how to remove it once the server is closed. */
export interface UnixBinding {
  readonly url: string;
  /** Removes the socket file, if it is still the one bound here. */
  remove(): Promise<void>;
}

/** Listens on a unix socket, as supervisord does. */
export async function listenUnix(server: Server, options: UnixListenerOptions): Promise<UnixBinding> {
  if (typeof options.file !== 'string' || options.file === '') {
    throw new TypeError(`unix.file must be a path, got ${JSON.stringify(options.file)}`);
  }
  const file = resolve(options.file);
  const mode = modeOf(options.chmod);
  const owner = await ownerOf(options.chown);
  const temp = `${file}.${process.pid}`;
  await rm(temp, { force: true });
  await listen(server, temp);
  let ino = -1;
  try {
    await chmod(temp, mode);
    for (let attempt = 0; ; attempt++) {
      try {
        await link(temp, file);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw err;
        if (!(await lstat(file)).isSocket()) throw new Error(`${file} exists and is not a socket`);
        if (await answers(file)) throw new Error(`another server is already listening on ${file}`);
        await rm(file, { force: true });
      }
    }
    ino = (await stat(file)).ino;
    if (owner) await chown(file, owner.uid, owner.gid);
  } catch (err) {
    if (ino !== -1) await rm(file, { force: true });
    await closeServer(server);
    throw err;
  } finally {
    await rm(temp, { force: true });
  }
  return {
    url: `unix://${file}`,
    async remove() {
      try {
        if ((await lstat(file)).ino === ino) await rm(file, { force: true });
      } catch {
        // Already gone.
      }
    },
  };
}
