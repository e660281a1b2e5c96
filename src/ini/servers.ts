/**
 * The servers of a supervisord.conf: `[unix_http_server]` / `[inet_http_server]` as the options
 * `procvisor/xmlrpc`'s `serveXmlRpc` takes, and `[supervisorctl]` as supervisorctl reads it
 * (`supervisor/options.py ClientOptions.read_config`).
 * @module
 */

import { expand } from '../config/expand.js';
import type { ReadContext } from './context.js';
import { expandUser, placeOf } from './context.js';
import { IniValueError } from './ini-error.js';
import type { IniHttpServer } from './model.js';
import { normalizePath } from './supervisord-section.js';
import { nameRecord } from '../config/name-record.js';

/** `[supervisorctl]` as supervisorctl reads it: where it connects, and with which credentials. */
export interface IniSupervisorctl {
  /** `serverurl`; a `unix://` path made absolute. @default 'http://localhost:9001' */
  readonly serverurl: string;
  /** `username`, or null. */
  readonly username: string | null;
  /** `password`, or null. */
  readonly password: string | null;
}

/** An inet listener in `serveXmlRpc`'s option shape. */
export interface IniInetServer {
  /** The address to bind; `''` for every interface (supervisord's `port=9001` or `port=*:9001`). */
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  /** Plain, or `{SHA}` followed by the SHA-1 hex digest, as in supervisord. */
  readonly password?: string;
}

/** A unix socket listener in `serveXmlRpc`'s option shape. */
export interface IniUnixServer {
  /** The socket's absolute path. */
  readonly file: string;
  /** The socket file's mode. @default 0o700 */
  readonly chmod: number;
  /** `user` or `user:group`, as written in `chown=`. */
  readonly chown?: string;
  readonly username?: string;
  readonly password?: string;
}

/** What `serveXmlRpc(sup, options)` takes: at most one listener of each kind. */
export interface IniServeOptions {
  readonly inet?: IniInetServer;
  readonly unix?: IniUnixServer;
}

/** The servers of a file, under the non-enumerable `servers` key of the config `parseIni` returns. */
export interface IniServers {
  /** Every HTTP server section, in supervisord's order (inet ones first, then unix ones). */
  readonly http: readonly IniHttpServer[];
  /** `[supervisorctl]`, or null without one. */
  readonly supervisorctl: IniSupervisorctl | null;
}

const credentials = (s: IniHttpServer): { username?: string; password?: string } =>
  s.username !== null && s.password !== null ? { username: s.username, password: s.password } : {};

/**
 * The first inet and the first unix server section, as `serveXmlRpc` options. supervisord serves every
 * `[inet_http_server:name]` / `[unix_http_server:name]` section; `serveXmlRpc` serves one of each kind, so a
 * second section of a kind is left out (the `procvisor` command warns about it).
 */
export function serveOptions(http: readonly IniHttpServer[]): IniServeOptions {
  const inet = http.find((s) => s.family === 'inet');
  const unix = http.find((s) => s.family === 'unix');
  return {
    ...(inet ? { inet: { host: inet.host ?? '', port: inet.port ?? 0, ...credentials(inet) } } : {}),
    ...(unix
      ? {
          unix: {
            file: unix.file ?? '',
            chmod: unix.chmod ?? 0o700,
            ...(unix.chown ? { chown: unix.chown } : {}),
            ...credentials(unix),
          },
        }
      : {}),
  };
}

/**
 * `[supervisorctl]` as `ClientOptions.read_config` reads it: the main file only (supervisorctl follows no
 * `[include]`), values expanded with the `ENV_*` names (`serverurl` also with `here`), a `unix://` path
 * normalised against `cwd`. Null when the main file has no such section (supervisorctl then refuses the file:
 * `.ini file does not include supervisorctl section`).
 */
export function readSupervisorctl(ctx: ReadContext, cwd: string): IniSupervisorctl | null {
  const section = 'supervisorctl';
  if (!ctx.parser.hasSection(section)) return null;
  // supervisorctl's own ENV_* names: the environment only (it does not read [supervisord] environment=).
  const environ = nameRecord<string>();
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) environ[`ENV_${k}`] = v;
  const get = (option: string, names: Record<string, string> = {}): string | null => {
    const found = ctx.parser.get(section, option);
    if (found === undefined || found.file !== ctx.configfile) return null;
    try {
      return expand(found.value, { ...environ, ...names }, `${section}.${option}`);
    } catch (err) {
      throw new IniValueError((err as Error).message, placeOf(ctx, section, option), { cause: err });
    }
  };
  let serverurl = get('serverurl', { here: ctx.here }) ?? 'http://localhost:9001';
  if (serverurl.startsWith('unix://')) {
    serverurl = `unix://${normalizePath(expandUser(serverurl.slice(7), ctx.env), cwd)}`;
  }
  return { serverurl, username: get('username'), password: get('password') };
}
