/**
 * The HTTP servers: one node:http server per listener, each with its own credentials, routing as
 * supervisord's `http.py make_http_servers` installs its handlers. Authentication comes first for every
 * path (supervisord wraps every handler in it), then `/RPC2*`, `/logtail*`, `/mainlogtail*`; anything else
 * is 404 (supervisord's web page is not served). Every handler is guarded: a failure is a 500 and a log line,
 * never an exception in the host.
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Supervisor } from '../supervisor/supervisor.js';
import { BasicAuth, credentialsOf } from './auth.js';
import { dispatch } from './dispatch.js';
import { closeServer, isLoopback, listenInet, listenUnix, type UnixBinding } from './listen.js';
import type { CallContext } from './methods/types.js';
import type {
  InetListenerOptions,
  ServeXmlRpcOptions,
  ServerLog,
  UnixListenerOptions,
  XmlRpcServer,
} from './options.js';
import { handleLogtail, handleMainLogtail, type LogtailRoute } from './routes/logtail.js';
import { sendError } from './routes/respond.js';
import { handleRpc, type RpcRoute } from './routes/rpc.js';
import type { TailFollower } from './tail-follow.js';

const DEFAULTS = {
  maxBodyBytes: 4 * 1024 * 1024,
  maxDepth: 32,
  keepAliveTimeout: 30 * 60 * 1000,
  closeTimeout: 5000,
  supervisorVersion: '4.2.5',
};

const UNAUTHORIZED = { 'WWW-Authenticate': 'Basic realm="default"', Connection: 'close' };

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`${name} must be a number of at least 0, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** The path of a request, without its query, %-decoded as medusa does; null when it cannot be decoded. */
function pathOf(req: IncomingMessage): string | null {
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  const path = q >= 0 ? raw.slice(0, q) : raw;
  try {
    return path.includes('%') ? decodeURIComponent(path) : path;
  } catch {
    return null;
  }
}

interface Routes {
  readonly rpc: RpcRoute;
  readonly logtail: LogtailRoute;
  readonly log: ServerLog;
}

function route(routes: Routes, auth: BasicAuth | null, req: IncomingMessage, res: ServerResponse): void {
  res.on('error', () => {});
  try {
    if (auth && !auth.check(req)) return sendError(res, 401, UNAUTHORIZED);
    const path = pathOf(req);
    if (path === null) return sendError(res, 400);
    if (path.startsWith('/RPC2')) {
      if (req.method !== 'POST') return sendError(res, 400);
      return handleRpc(routes.rpc, req, res);
    }
    if (path.startsWith('/logtail')) return handleLogtail(routes.logtail, path, req, res);
    if (path.startsWith('/mainlogtail')) return handleMainLogtail(routes.logtail, req, res);
    sendError(res, 404);
  } catch (err) {
    routes.log('error', `HTTP request ${req.method} ${req.url} failed: ${String(err)}`);
    sendError(res, 500);
  }
}

/**
 * Serves `sup` over supervisord's HTTP interface: XML-RPC on `/RPC2`, log tails on `/logtail` and
 * `/mainlogtail`, on a TCP listener, a unix socket, or both. Resolves once every listener is bound.
 * @throws TypeError for bad options; the listen error (EADDRINUSE, EACCES...) when a listener cannot bind
 */
export async function serveXmlRpc(sup: Supervisor, options: ServeXmlRpcOptions = {}): Promise<XmlRpcServer> {
  if (!options.inet && !options.unix) throw new TypeError('serveXmlRpc needs an inet or a unix listener');
  const log: ServerLog =
    options.log ?? ((level, message) => sup.emit('log', { level, message, time: Date.now() }));
  const supervisorVersion = options.supervisorVersion ?? DEFAULTS.supervisorVersion;
  const keepAliveTimeout = positive('keepAliveTimeout', options.keepAliveTimeout, DEFAULTS.keepAliveTimeout);
  const closeTimeout = positive('closeTimeout', options.closeTimeout, DEFAULTS.closeTimeout);
  const context = (after: (() => Promise<unknown>)[]): CallContext => {
    const ctx: CallContext = {
      sup,
      supervisorVersion,
      after: (action) => after.push(action),
      call: (method, params) => dispatch(ctx, method, params),
    };
    return ctx;
  };
  const followers = new Set<TailFollower>();
  const routes: Routes = {
    rpc: {
      maxBodyBytes: positive('maxBodyBytes', options.maxBodyBytes, DEFAULTS.maxBodyBytes),
      maxDepth: positive('maxDepth', options.maxDepth, DEFAULTS.maxDepth),
      log,
      context,
    },
    logtail: { sup, followers, log },
    log,
  };
  type Listener =
    | { readonly section: 'inet_http_server'; readonly inet: InetListenerOptions }
    | { readonly section: 'unix_http_server'; readonly unix: UnixListenerOptions };
  const listeners: Listener[] = [];
  if (options.inet) listeners.push({ section: 'inet_http_server', inet: options.inet });
  if (options.unix) listeners.push({ section: 'unix_http_server', unix: options.unix });
  const servers: Server[] = [];
  const urls: string[] = [];
  const unixBindings: UnixBinding[] = [];
  let closing = false;
  try {
    for (const l of listeners) {
      const opts = 'inet' in l ? l.inet : l.unix;
      const credentials = credentialsOf(l.section, opts);
      const auth = credentials ? new BasicAuth(credentials) : null;
      const server = createServer((req, res) => {
        // Once closing, a connection is closed as soon as its response is done.
        res.once('finish', () => {
          if (closing) setImmediate(() => server.closeIdleConnections());
        });
        route(routes, auth, req, res);
      });
      server.keepAliveTimeout = keepAliveTimeout;
      server.on('error', (err) => log('error', `${l.section}: ${String(err)}`));
      if ('inet' in l) {
        urls.push(await listenInet(server, l.inet));
        if (!auth && !isLoopback(l.inet.host)) {
          process.emitWarning(
            `procvisor: the XML-RPC server ${urls.at(-1)} listens beyond this machine without a username and ` +
              'password: whoever reaches it controls every process',
            'ProcvisorWarning',
          );
        }
      } else {
        const binding = await listenUnix(server, l.unix);
        unixBindings.push(binding);
        urls.push(binding.url);
      }
      servers.push(server);
      // supervisord logs this at CRIT for every server without credentials.
      if (!auth) log('warn', `server '${l.section}' running without any HTTP authentication checking`);
    }
  } catch (err) {
    await Promise.all(servers.map((s) => closeServer(s)));
    await Promise.all(unixBindings.map((b) => b.remove()));
    throw err;
  }

  let closed: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    closing = true;
    for (const f of [...followers]) f.stop();
    const done = Promise.all(servers.map((s) => closeServer(s)));
    for (const s of servers) s.closeIdleConnections();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const cut = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        for (const s of servers) s.closeAllConnections();
        resolve();
      }, closeTimeout);
    });
    await Promise.race([done, cut]);
    clearTimeout(timer);
    await done;
    await Promise.all(unixBindings.map((b) => b.remove()));
  };
  return {
    urls: Object.freeze(urls),
    close: () => (closed ??= close()),
    [Symbol.asyncDispose]: () => (closed ??= close()),
  };
}
