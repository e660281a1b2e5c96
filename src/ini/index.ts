/**
 * `procvisor/ini`: run supervisord.conf files unchanged. Reads supervisord 4.2.5's configuration format
 * (its configparser dialect, `[include]`, `%(name)s` expansion and value syntaxes) into the config object
 * `new Supervisor()` takes, with supervisord's error messages; and writes a config back as a
 * supervisord.conf.
 * @example
 * ```ts
 * import { Supervisor } from 'procvisor';
 * import { loadIniFile } from 'procvisor/ini';
 * const sup = new Supervisor(await loadIniFile('/etc/supervisor/supervisord.conf'));
 * ```
 * @module
 */

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveConfig } from '../config/resolve/index.js';
import type { SupervisorConfig } from '../config/schema/index.js';
import { ConfigError } from '../errors.js';
import type { ConfigIssue } from '../errors.js';
import type { SupervisorIniParser } from './config-parser.js';
import { IniErrors, IniValueError } from './ini-error.js';
import type { IniWarning } from './known-keys.js';
import type { IniModel } from './model.js';
import { readConfig } from './read-config.js';
import type { IniReadOptions, ReadResult } from './read-config.js';

import { serveOptions } from './servers.js';
import type { IniServeOptions, IniServers } from './servers.js';

export { toIni } from './to-ini.js';
export { supervisorStdout, supervisorStdoutHandler } from './supervisor-stdout.js';
export type { IniReadOptions } from './read-config.js';
export type { IniWarning } from './known-keys.js';
export { UNKNOWN_KEY } from './known-keys.js';
export type { EventListenerConfig } from './groups.js';
export type { IniGroup, IniHttpServer, IniModel, IniProcess, IniSupervisord } from './model.js';
export type {
  IniInetServer,
  IniServeOptions,
  IniServers,
  IniSupervisorctl,
  IniUnixServer,
} from './servers.js';

/**
 * The config object read from a supervisord.conf: a {@link SupervisorConfig}, with the `[eventlistener:x]`
 * pools under `eventListeners`, and the file's servers under a non-enumerable `servers` (see
 * {@link serversOf}; a copy made with `{ ...config }` does not keep it).
 */
export type IniConfig = SupervisorConfig & {
  readonly servers?: IniServers;
  /** The file's warnings (non-enumerable, as `servers`; see {@link warningsOf}). */
  readonly warnings?: readonly IniWarning[];
};

function read(text: string, opts: IniReadOptions): ReadResult {
  let result: ReadResult;
  try {
    result = readConfig(text, opts);
  } catch (err) {
    if (err instanceof IniValueError || err instanceof IniErrors) throw err.toConfigError();
    throw err;
  }
  if (opts.warnings !== false) printWarnings(result.unknownKeys);
  return result;
}

const snake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Adds the INI place (file, line, section) to an issue the config module found. */
function placeIssue(parser: SupervisorIniParser, issue: ConfigIssue): ConfigIssue {
  const [kind, name, key] = issue.path;
  let section: string;
  let option: string | undefined;
  if (kind === 'programs' && typeof name === 'string') {
    section = parser.hasSection(`program:${name}`) ? `program:${name}` : `fcgi-program:${name}`;
    option = typeof key === 'string' ? snake(key) : undefined;
  } else if (kind === 'groups' && typeof name === 'string') {
    section = `group:${name}`;
    option = typeof key === 'string' ? key : undefined;
  } else if (kind === 'eventListeners' && typeof name === 'string') {
    section = `eventlistener:${name}`;
    option = typeof key === 'string' ? snake(key) : undefined;
  } else {
    section = 'supervisord';
    option = typeof kind === 'string' ? snake(kind) : undefined;
  }
  const value = option === undefined ? undefined : parser.get(section, option);
  const origin = value ?? parser.origin(section);
  return {
    ...issue,
    section,
    ...(origin ? { file: origin.file, line: origin.line } : {}),
  };
}

function finish(result: ReadResult, opts: IniReadOptions): IniConfig {
  const config = result.config as IniConfig;
  // The pools' events and handlers were checked as the sections were read: they fit EventListenerConfig.
  if (Object.keys(result.eventListeners).length > 0)
    (config as { eventListeners?: unknown }).eventListeners = result.eventListeners;
  // Not a config option: non-enumerable, so `new Supervisor(config)` and toIni do not see it.
  const servers: IniServers = { http: result.model.http_servers, supervisorctl: result.supervisorctl };
  Object.defineProperty(config, 'servers', { value: servers, enumerable: false });
  Object.defineProperty(config, 'warnings', { value: result.unknownKeys, enumerable: false });
  try {
    resolveConfig(config, {
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.hostNodeName !== undefined ? { hostNodeName: opts.hostNodeName } : {}),
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      throw new ConfigError(
        err.issues.map((i) => placeIssue(result.parser, i)),
        { cause: err },
      );
    }
    throw err;
  }
  return config;
}

/**
 * Reads the text of a supervisord.conf into the config object `new Supervisor()` takes. `[include]` files
 * are read (synchronously) relative to `here`. The result is validated by the config module, so anything
 * supervisord or procvisor rejects is one {@link ConfigError} naming the file, line and section.
 * @param text the file's content
 * @param opts `here` (the file's directory, for `%(here)s` and includes), `env` (for `%(ENV_X)s`), `file`
 *   (its name in messages)
 * @throws ConfigError with supervisord's wording, e.g. `.ini file does not include supervisord section`
 * @example
 * ```ts
 * const config = parseIni('[supervisord]\n[program:web]\ncommand=node server.js\n', { here: process.cwd() });
 * ```
 */
export function parseIni(text: string, opts: IniReadOptions): IniConfig {
  return finish(read(text, opts), opts);
}

/**
 * Reads a supervisord.conf file (and its includes) into the config object `new Supervisor()` takes.
 * `%(here)s` is the file's directory.
 * @throws ConfigError (also for a file that cannot be read: `could not read config file <path>`)
 */
export async function loadIniFile(
  file: string,
  opts: Omit<IniReadOptions, 'here' | 'file'> = {},
): Promise<IniConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT' ? `could not find config file ${file}` : `could not read config file ${file}`;
    throw new ConfigError([{ path: [], message, file }], { cause: err });
  }
  return parseIni(text, { ...opts, here: path.dirname(path.resolve(file)), file });
}

/**
 * supervisord's own view of a supervisord.conf: every group and process exactly as supervisord 4.2.5
 * computes them (expanded, converted, ordered), its `[supervisord]` options and HTTP servers, in the JSON
 * shape of `../shared/ini-corpus/reference.py`. For inspection, diagnosis and conformance tests.
 * @throws ConfigError as {@link parseIni}
 */
export function inspectIni(
  text: string,
  opts: IniReadOptions,
): IniModel & { warnings: string[]; unknownKeys: IniWarning[] } {
  const result = read(text, opts);
  return { ...result.model, warnings: result.warnings, unknownKeys: result.unknownKeys };
}

/**
 * The warnings of a file read by {@link parseIni} or {@link loadIniFile}: every option of a known section
 * that supervisord ignores (a typo such as `autorestrat`, or a key of another supervisord version), with its
 * file, line, section and a suggestion. `[]` for a config that was not read from a file. They travel under
 * the config's non-enumerable `warnings` key, which a copy such as `{ ...config }` drops.
 * @example
 * ```ts
 * const config = await loadIniFile('supervisord.conf', { warnings: false });
 * for (const w of warningsOf(config)) console.error(`${w.file}:${w.line}: ${w.message}`);
 * ```
 */
export function warningsOf(config: IniConfig): readonly IniWarning[] {
  return config.warnings ?? [];
}

/** The warnings printed so far, by file, section and option: each is printed once per process. */
const printed = new Set<string>();
const PRINTED_MAX = 10_000;

function printWarnings(warnings: readonly IniWarning[]): void {
  for (const w of warnings) {
    const key = [w.file, w.section, w.key].join('\0');
    if (printed.has(key)) continue;
    if (printed.size >= PRINTED_MAX) printed.delete(printed.values().next().value as string);
    printed.add(key);
    process.emitWarning(`procvisor: ${w.file}:${w.line}: ${w.message}`, {
      type: 'ProcvisorWarning',
      code: w.code,
      detail:
        'supervisord ignores this option, and so does procvisor; { strict: true } makes it an error. ' +
        `Silence this warning with { warnings: false } or node --disable-warning=${w.code}.`,
    });
  }
}

/**
 * The `[inet_http_server]` and `[unix_http_server]` of a file read by {@link parseIni} or
 * {@link loadIniFile}, in the option shape of `serveXmlRpc` (`procvisor/xmlrpc`): the first server
 * section of each kind (supervisord would also serve further `[inet_http_server:name]` sections). `{}` when
 * the file has none, or for a config that was not read from a file.
 * @example
 * ```ts
 * const config = await loadIniFile('supervisord.conf');
 * const sup = new Supervisor(config);
 * await sup.start();
 * const server = await serveXmlRpc(sup, serversOf(config));
 * ```
 */
export function serversOf(config: IniConfig): IniServeOptions {
  return serveOptions(config.servers?.http ?? []);
}
