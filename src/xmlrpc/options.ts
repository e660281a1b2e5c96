/**
 * The options of {@link serveXmlRpc}: supervisord's `[inet_http_server]` and `[unix_http_server]`, and the
 * limits procvisor adds.
 * @module
 */

/** HTTP Basic credentials of one listener, as in `[inet_http_server]` / `[unix_http_server]`. */
export interface ListenerAuth {
  /**
   * The user name a client must give; null or absent = no authentication.
   * @default null
   */
  readonly username?: string | null;
  /**
   * Its password: plain, or `{SHA}` followed by the hex SHA-1 of the password.
   * @default null
   */
  readonly password?: string | null;
}

/** A TCP listener: supervisord's `[inet_http_server]` (`port = host:port`). */
export interface InetListenerOptions extends ListenerAuth {
  /**
   * The address to bind; `''` = every interface (as `port=:9001`). Anything but a loopback address without
   * credentials makes a `ProcvisorWarning`: whoever reaches it controls every process.
   */
  readonly host: string;
  /** The TCP port; 0 = any free port (read the one chosen from `urls`). */
  readonly port: number;
}

/** A unix-domain socket listener: supervisord's `[unix_http_server]`. */
export interface UnixListenerOptions extends ListenerAuth {
  /** The socket's path. A stale socket there is replaced; one a live server answers on is an error. */
  readonly file: string;
  /**
   * The socket's mode, a number (`0o700`) or an octal string (`'0700'`).
   * @default 0o700
   */
  readonly chmod?: number | string;
  /**
   * The socket's owner: `'user'` or `'user:group'` (names or ids), or `{ uid, gid }`; null = leave it.
   * @default null
   */
  readonly chown?: string | { readonly uid: number; readonly gid: number } | null;
}

/** Where a message of the server goes: `level` as the supervisor's `log` event has it. */
export type ServerLog = (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;

/** How to serve. Every field is optional; give `inet`, `unix` or both. */
export interface ServeXmlRpcOptions {
  /** Listen on TCP. */
  readonly inet?: InetListenerOptions;
  /** Listen on a unix-domain socket. */
  readonly unix?: UnixListenerOptions;
  /**
   * The largest request body accepted, in bytes; a larger one is answered 413 (supervisord has no limit).
   * @default 4194304 (4 MiB)
   */
  readonly maxBodyBytes?: number;
  /**
   * How deeply arrays and structs may nest in one request; deeper is answered 400. supervisord's own
   * methods need 3 (a multicall's calls).
   * @default 32
   */
  readonly maxDepth?: number;
  /**
   * How long an idle kept-alive connection stays open, in ms. childutils keeps one connection for a
   * listener's whole life and never reconnects, so this must be long; medusa, supervisord's HTTP server,
   * closes connections idle for 30 minutes. 0 = never.
   * @default 1800000 (30 minutes)
   */
  readonly keepAliveTimeout?: number;
  /**
   * How long `close()` lets requests under way finish before it cuts their connections, in ms.
   * @default 5000
   */
  readonly closeTimeout?: number;
  /**
   * What `supervisor.getSupervisorVersion` (`supervisorctl version`) answers.
   * @default '4.2.5' (the supervisord whose wire protocol procvisor speaks; see docs/xmlrpc.md)
   */
  readonly supervisorVersion?: string;
  /**
   * Where the server's own messages go (a server without authentication, an internal error).
   * @default the supervisor's `log` event, so they reach its activity log
   */
  readonly log?: ServerLog;
}

/** A running server, from {@link serveXmlRpc}. */
export interface XmlRpcServer extends AsyncDisposable {
  /**
   * One URL per listener, as supervisord would export it in SUPERVISOR_SERVER_URL: `unix:///path` and
   * `http://host:port` (`localhost` for every interface).
   */
  readonly urls: readonly string[];
  /**
   * Stops listening, ends the log tails, lets requests under way finish (up to `closeTimeout`), closes
   * every connection and removes the unix socket. Calling it again returns the same promise.
   */
  close(): Promise<void>;
}
