/**
 * A whole supervisord.conf, read as supervisord 4.2.5's `ServerOptions.read_config` reads it: supervisord's
 * own view ({@link IniModel}) and the config object `new Supervisor()` takes.
 * @module
 */

import { hostname, tmpdir } from 'node:os';
import type { SupervisorConfig } from '../config/schema/index.js';
import type { ReadContext } from './context.js';
import { groupsFromParser } from './groups.js';
import type { EventListenerConfig } from './groups.js';
import { IniErrors, IniValueError } from './ini-error.js';
import { unknownKeys } from './known-keys.js';
import type { IniWarning } from './known-keys.js';
import type { ConfigIssue } from '../errors.js';
import { attempt } from './context.js';
import type { IniModel } from './model.js';
import { readFiles } from './read-files.js';
import type { IncludeHooks } from './read-files.js';
import {
  checkRpcInterfaces,
  configKey,
  readHttpServers,
  readSupervisordSection,
  serverUrl,
} from './supervisord-section.js';
import type { SupervisorIniParser } from './config-parser.js';
import { nameRecord } from '../config/name-record.js';
import { readSupervisorctl } from './servers.js';
import type { IniSupervisorctl } from './servers.js';

/** Options of the INI readers. */
export interface IniReadOptions extends IncludeHooks {
  /** `%(here)s` and the base of relative `[include]` patterns: the directory of the file. */
  readonly here: string;
  /** The environment behind `%(ENV_X)s` and `~`. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The file name used in messages (supervisord: the path it was given). @default '<string>' */
  readonly file?: string;
  /** `%(host_node_name)s`. @default os.hostname() */
  readonly hostNodeName?: string;
  /** The default `childlogdir` (supervisord: `tempfile.gettempdir()`). @default os.tmpdir() */
  readonly tempdir?: string;
  /** The directory a relative `[unix_http_server] file=` is resolved against. @default process.cwd() */
  readonly cwd?: string;
  /**
   * Reject options that supervisord would ignore (unknown keys in a known section, such as
   * `autorestrat=true` in `[program:web]`): each is then a ConfigError issue with its file, line and a
   * "did you mean". By default they are accepted, as supervisord accepts them, and reported as warnings.
   * @default false
   */
  readonly strict?: boolean;
  /**
   * Print each warning (an unknown option) once as a process warning with the code
   * `PROCVISOR_INI_UNKNOWN_KEY`. They are returned either way (`warningsOf(config)`).
   * @default true
   */
  readonly warnings?: boolean;
}

/** What {@link readConfig} returns. */
export interface ReadResult {
  readonly model: IniModel;
  readonly config: SupervisorConfig;
  readonly eventListeners: Record<string, EventListenerConfig>;
  /** `[supervisorctl]`, as supervisorctl reads it (null without the section). */
  readonly supervisorctl: IniSupervisorctl | null;
  /** supervisord's parse warnings (it logs them at WARN). */
  readonly warnings: string[];
  /** The included files that were read, in order. */
  readonly included: string[];
  /** Options of known sections that no reader looks at (typos, or keys of another version). */
  readonly unknownKeys: IniWarning[];
  readonly parser: SupervisorIniParser;
}

/** Python's `ENV_*` names for an environment. */
function environExpansions(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out = nameRecord<string>();
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[`ENV_${k}`] = v;
  return out;
}

const pct = (s: string, times = 1): string => s.replace(/%/g, '%'.repeat(2 ** times));

/**
 * Reads a configuration file's text (and its includes) like supervisord.
 * @throws IniValueError for a file that cannot be read at all (syntax, no `[supervisord]`), with supervisord's
 *   message and the place
 * @throws IniErrors for everything else: every problem found, supervisord's first error first
 */
export function readConfig(text: string, opts: IniReadOptions): ReadResult {
  const env = opts.env ?? process.env;
  const environ = environExpansions(env);
  const hostNodeName = opts.hostNodeName ?? hostname();
  const source = opts.file ?? '<string>';
  const warnings: string[] = [];
  const included: string[] = [];
  const parser = readFiles(text, {
    source,
    here: opts.here,
    environ,
    hostNodeName,
    warnings,
    included,
    ...(opts.glob ? { glob: opts.glob } : {}),
    ...(opts.readFile ? { readFile: opts.readFile } : {}),
  });
  if (!parser.hasSection('supervisord')) {
    throw new IniValueError('.ini file does not include supervisord section', { file: source });
  }
  const ctx: ReadContext = {
    parser,
    here: opts.here,
    hostNodeName,
    environ,
    env,
    configfile: source,
    warnings,
    problems: [],
  };
  const cwd = opts.cwd ?? process.cwd();
  let sections;
  try {
    sections = readSections(ctx, opts.tempdir ?? tmpdir(), cwd);
  } catch (err) {
    if (err instanceof IniValueError) throw new IniErrors([...ctx.problems, err]);
    throw err;
  }
  const unknown = unknownKeys(parser);
  const strict = opts.strict ? unknown.map(strictIssue) : [];
  if (ctx.problems.length > 0 || strict.length > 0) throw new IniErrors(ctx.problems, strict);
  const { supervisord, groups, programs, groupDefs, eventListeners, httpServers, supervisorctl } = sections;

  // The config object: what the file sets, converted; text the config module expands again is escaped.
  const config: Record<string, unknown> = { here: opts.here };
  const present = new Set(parser.options('supervisord'));
  const top: Record<string, unknown> = {
    identifier: pct(supervisord.identifier),
    childlogdir: pct(supervisord.childlogdir),
    nocleanup: supervisord.nocleanup,
    strip_ansi: supervisord.strip_ansi,
    minfds: supervisord.minfds,
    minprocs: supervisord.minprocs,
    loglevel: supervisord.loglevel,
    // The activity log (supervisord's main log); a relative path is the host's cwd's, as in supervisord.
    // `logfile=syslog` sends supervisord's log to syslog; the config's logfile is a file, so none is set.
    logfile: supervisord.logfile === 'syslog' ? undefined : pct(supervisord.logfile),
    logfile_maxbytes: supervisord.logfile_maxbytes,
    logfile_backups: supervisord.logfile_backups,
  };
  for (const [option, value] of Object.entries(top))
    if (present.has(option) && value !== undefined) config[configKey(option)] = value;
  if (present.has('environment')) {
    // resolveConfig expands [supervisord] environment twice, as supervisord does; these values are final.
    const environment = nameRecord<string>();
    for (const [k, v] of Object.entries(supervisord.environment)) environment[k] = pct(v, 2);
    config['environment'] = environment;
  }
  const url = serverUrl(httpServers);
  if (url !== null) config['serverurl'] = pct(url);
  config['programs'] = programs;
  if (Object.keys(groupDefs).length > 0) config['groups'] = groupDefs;

  const sorted = [...groups].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    model: { groups: sorted, group_order: groups.map((g) => g.name), supervisord, http_servers: httpServers },
    config: config as SupervisorConfig,
    eventListeners,
    supervisorctl,
    warnings,
    included,
    unknownKeys: unknown,
    parser,
  };
}

/** Every section, in supervisord's order; a bad one is recorded in `ctx.problems` (see `attempt`). */
function readSections(ctx: ReadContext, tempdir: string, cwd: string) {
  const supervisord = readSupervisordSection(ctx, tempdir);
  checkRpcInterfaces(ctx);
  const { groups, programs, groupDefs, eventListeners } = groupsFromParser(ctx);
  for (const group of groups) {
    for (const proc of group.processes)
      proc.environment = { ...supervisord.environment, ...proc.environment };
  }
  const httpServers = readHttpServers(ctx, cwd);
  const supervisorctl = attempt(
    ctx,
    () => readSupervisorctl(ctx, cwd),
    () => null,
  );
  return { supervisord, groups, programs, groupDefs, eventListeners, httpServers, supervisorctl };
}

/** An unknown option as an error (`strict`): where it is, what it most likely meant. */
function strictIssue(w: IniWarning): ConfigIssue {
  const colon = w.section.indexOf(':');
  const kind = w.section.slice(0, colon);
  const name = w.section.slice(colon + 1);
  const top =
    kind === 'program' || kind === 'fcgi-program'
      ? 'programs'
      : kind === 'eventlistener'
        ? 'eventListeners'
        : kind === 'group'
          ? 'groups'
          : null;
  const path = top ? [top, name, w.key] : w.section === 'supervisord' ? [w.key] : [];
  return { path, message: w.message, file: w.file, line: w.line, section: w.section };
}
