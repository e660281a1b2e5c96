/**
 * `[supervisord]`, `[rpcinterface:x]` and the HTTP server sections: the parts of supervisord's
 * `ServerOptions.read_config`, `get_plugins`, `server_configs_from_parser` and `realize` that a library
 * either uses (identifier, childlogdir, environment, the server URL children get, …) or must validate to
 * accept and reject exactly the files supervisord accepts and rejects.
 * @module
 */

import path from 'node:path';
import { expand } from '../config/expand.js';
import { boolean, byteSize, integer, loggingLevel, octal } from '../config/datatypes.js';
import { pythonRepr as pyRepr } from '../python/repr.js';
import { attempt, expandUser, placeOf, saneget } from './context.js';
import type { ReadContext } from './context.js';
import { at, IniValueError } from './ini-error.js';
import { dictOfKeyValuePairs } from './key-value-pairs.js';
import type { IniHttpServer, IniSupervisord } from './model.js';

/** `[supervisord]` (options.py 622–660); extends `ctx.environ` with its `environment=` keys. */
export function readSupervisordSection(ctx: ReadContext, tempdir: string): IniSupervisord {
  const section = 'supervisord';
  const common = { here: ctx.here };
  // Option by option: a bad one is recorded and its default used, so the others are checked too.
  const get = <T>(option: string, fallback: T): string | T =>
    attempt(
      ctx,
      () => saneget(ctx, section, option, fallback, { expansions: common, path: [configKey(option)] }),
      () => fallback,
    );
  const conv = <T>(option: string, fallback: string | number, fn: (v: string) => T): T => {
    const v = get(option, fallback);
    return attempt(
      ctx,
      () => at(placeOf(ctx, section, option, [configKey(option)]), () => fn(String(v))),
      () => fn(String(fallback)),
    );
  };
  const minfds = conv('minfds', 1024, integer);
  const minprocs = conv('minprocs', 200, integer);
  const directory = get<string | null>('directory', null);
  const user = get<string | null>('user', null);
  const umask = conv('umask', '022', octal);
  const logfile = expandUser(String(get('logfile', 'supervisord.log')), ctx.env);
  const logfileMaxbytes = conv('logfile_maxbytes', '50MB', byteSize);
  const logfileBackups = conv('logfile_backups', 10, integer);
  const loglevel = conv('loglevel', 'info', loggingLevel);
  const pidfile = expandUser(String(get('pidfile', 'supervisord.pid')), ctx.env);
  const identifier = String(get('identifier', 'supervisor'));
  const nodaemon = conv('nodaemon', 'false', boolean);
  const silent = conv('silent', 'false', boolean);
  const childlogdir = expandUser(String(get('childlogdir', tempdir)), ctx.env);
  const nocleanup = conv('nocleanup', 'false', boolean);
  const stripAnsi = conv('strip_ansi', 'false', boolean);
  const environStr = String(get('environment', ''));
  const environment = attempt(
    ctx,
    () =>
      at(placeOf(ctx, section, 'environment', ['environment']), () =>
        dictOfKeyValuePairs(
          expand(
            environStr,
            { here: ctx.here, host_node_name: ctx.hostNodeName, ...ctx.environ },
            'environment',
          ),
        ),
      ),
    (): Record<string, string> => ({}),
  );
  for (const [k, v] of Object.entries(environment)) ctx.environ[`ENV_${k}`] = v;
  return {
    logfile,
    logfile_maxbytes: logfileMaxbytes,
    logfile_backups: logfileBackups,
    loglevel,
    pidfile,
    identifier,
    nodaemon,
    silent,
    minfds,
    minprocs,
    umask,
    directory: directory === null ? null : expandUser(directory, ctx.env),
    childlogdir,
    nocleanup,
    strip_ansi: stripAnsi,
    user,
    environment,
  };
}

/** The config key of a `[supervisord]` option. */
export function configKey(option: string): string {
  return option.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

// pkg_resources.EntryPoint.pattern, applied to 'x=' + spec.
const ENTRY_POINT = /^(.+?)\s*=\s*([\w.]+)\s*(:\s*([\w.]+))?\s*(\[.*\])?\s*$/su;

/**
 * supervisor's `import_spec` without the import: the `module:attr` syntax check of
 * `pkg_resources.EntryPoint.parse`, whose ValueError supervisord lets through.
 */
export function checkImportSpec(spec: string): void {
  if (!ENTRY_POINT.test(`x=${spec}`)) {
    throw new Error(`("EntryPoint must be in 'name=module:attrs [extras]'", ${pyRepr(`x=${spec}`)})`);
  }
}

/** `get_plugins(parser, 'supervisor.rpcinterface_factory', 'rpcinterface:')`: checked, then ignored. */
export function checkRpcInterfaces(ctx: ReadContext): void {
  const key = 'supervisor.rpcinterface_factory';
  for (const section of ctx.parser.sections()) {
    if (!section.startsWith('rpcinterface:')) continue;
    attempt(
      ctx,
      () => {
        const spec = saneget<null>(ctx, section, key, null);
        if (spec === null) {
          throw new IniValueError(`section [${section}] does not specify a ${key}`, placeOf(ctx, section));
        }
        at(placeOf(ctx, section, key), () => checkImportSpec(spec));
        for (const option of ctx.parser.options(section)) {
          if (option !== key) saneget(ctx, section, option, null);
        }
      },
      () => undefined,
    );
  }
}

function credentials(
  ctx: ReadContext,
  section: string,
): { username: string | null; password: string | null } {
  const username = saneget<null>(ctx, section, 'username', null);
  const password = saneget<null>(ctx, section, 'password', null);
  if ((username !== null || password !== null) && (username === null || password === null)) {
    throw new IniValueError(
      `Section [${section}] contains incomplete authentication: If a username or a password is specified, both ` +
        'the username and password must be specified',
      placeOf(ctx, section),
    );
  }
  return { username, password };
}

export function portNumber(s: string): number {
  const v = integer(s);
  if (v < 1) throw new Error(`${v} is below lower bound (1)`);
  if (v > 0xffff) throw new Error(`${v} is above upper bound (65535)`);
  return v;
}

/** datatypes.py `inet_address`. */
function inetAddress(s: string): { host: string; port: number } {
  let host = '';
  let port: number;
  const colon = s.lastIndexOf(':');
  if (colon !== -1) {
    host = s.slice(0, colon);
    const rest = s.slice(colon + 1);
    if (!rest) throw new Error(`no port number specified in ${pyRepr(rest)}`);
    port = portNumber(rest);
    host = host.toLowerCase();
  } else {
    try {
      port = portNumber(s);
    } catch {
      throw new Error(`not a valid port number: ${pyRepr(s)} `);
    }
  }
  if (!host || host === '*') host = '';
  return { host, port };
}

function serverNames(ctx: ReadContext, prefix: string): [string | null, string][] {
  return ctx.parser
    .sections()
    .filter((s) => s.startsWith(prefix))
    .map((s) => {
      const colon = s.indexOf(':');
      return [colon === -1 ? null : s.slice(colon + 1), s];
    });
}

/** supervisor's `normalize_path`: `normpath(abspath(p))`; POSIX keeps exactly two leading slashes. */
export function normalizePath(p: string, cwd: string): string {
  const abs = p.startsWith('/') ? p : `${cwd}/${p}`;
  const resolved = path.posix.normalize(abs).replace(/\/+$/, '') || '/';
  return /^\/\/(?!\/)/.test(abs) ? `/${resolved.replace(/^\/+/, '/')}` : resolved.replace(/^\/+/, '/');
}

/** `server_configs_from_parser` (options.py 1087–1139); `cwd` resolves a relative unix socket path. */
export function readHttpServers(ctx: ReadContext, cwd: string): IniHttpServer[] {
  const configs: IniHttpServer[] = [];
  // Section by section: a bad one is recorded and left out, so the others are checked too.
  for (const [name, section] of serverNames(ctx, 'inet_http_server')) {
    attempt(
      ctx,
      () => configs.push(inetServer(ctx, name, section)),
      () => 0,
    );
  }
  for (const [name, section] of serverNames(ctx, 'unix_http_server')) {
    attempt(
      ctx,
      () => configs.push(unixServer(ctx, name, section, cwd)),
      () => 0,
    );
  }
  return configs;
}

function inetServer(ctx: ReadContext, name: string | null, section: string): IniHttpServer {
  const auth = credentials(ctx, section);
  const port = saneget<null>(ctx, section, 'port', null);
  if (port === null) throw new IniValueError(`section [${section}] has no port value`, placeOf(ctx, section));
  const addr = at(placeOf(ctx, section, 'port'), () => inetAddress(port));
  return { name, section, family: 'inet', host: addr.host, port: addr.port, ...auth };
}

function unixServer(ctx: ReadContext, name: string | null, section: string, cwd: string): IniHttpServer {
  const file = saneget<null>(ctx, section, 'file', null, { expansions: { here: ctx.here } });
  if (file === null) throw new IniValueError(`section [${section}] has no file value`, placeOf(ctx, section));
  const normalized = normalizePath(expandUser(file.trim(), ctx.env), cwd);
  const auth = credentials(ctx, section);
  const chown = saneget<null>(ctx, section, 'chown', null);
  const colon = chown === null ? -1 : chown.indexOf(':');
  const parts =
    chown === null ? [] : colon === -1 ? [chown] : [chown.slice(0, colon), chown.slice(colon + 1)];
  if (chown !== null && !parts.every((x) => x !== '')) {
    throw new IniValueError(`Invalid sockchown value ${chown}`, placeOf(ctx, section, 'chown'));
  }
  const chmodText = saneget<null>(ctx, section, 'chmod', null);
  let chmod = 0o700;
  if (chmodText !== null) {
    try {
      chmod = octal(chmodText);
    } catch {
      throw new IniValueError(`Invalid chmod value ${chmodText}`, placeOf(ctx, section, 'chmod'));
    }
  }
  return { name, section, family: 'unix', file: normalized, chmod, chown, ...auth };
}

/** `ServerOptions.realize`: the URL children get as SUPERVISOR_SERVER_URL (first unix server, else the last inet). */
export function serverUrl(servers: readonly IniHttpServer[]): string | null {
  const unix = servers.find((s) => s.family === 'unix');
  if (unix) return `unix://${unix.file}`;
  let url: string | null = null;
  for (const s of servers) if (s.family === 'inet') url = `http://${s.host || 'localhost'}:${s.port}`;
  return url;
}
