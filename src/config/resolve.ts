/**
 * From user input to the frozen {@link ResolvedConfig}: validation through the zod schema, `%(name)s`
 * expansion with exactly the names supervisord allows where it allows them, one {@link ProcessConfig} per
 * `process_num`, groups, ordering and environment merging. Ported from `supervisor/options.py`
 * (`ServerOptions.read_config`, `process_groups_from_parser`, `_processes_from_section`).
 * @module
 */

import { hostname } from 'node:os';
import path from 'node:path';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import type { ConfigIssue } from '../errors.js';
import { expandUser, logfileName, processOrGroupName, SYSLOG } from './datatypes.js';
import { envExpansions, expand } from './expand.js';
import type { Expansions } from './expand.js';
import {
  configSchema,
  eventListenerSchema,
  groupSchema,
  PER_PROCESS_OPTIONS,
  programSchema,
} from './schema.js';
import type { ParsedEventListenerConfig, ParsedProgramConfig, ParsedSupervisorConfig } from './schema.js';
import type {
  ChannelLogConfig,
  GroupConfig,
  ProcessConfig,
  ReadinessConfig,
  ResolvedConfig,
} from './types.js';

/** Where the values of `%(ENV_*)s`, `%(host_node_name)s` come from. */
export interface ResolveOptions {
  /** The environment behind `%(ENV_<NAME>)s`. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The value of `%(host_node_name)s`. @default os.hostname() */
  readonly hostNodeName?: string;
}

type Path = (string | number)[];
type RawRecord = Record<string, unknown>;

function isRecord(v: unknown): v is RawRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Collects issues; expansion helpers report into it and return undefined on failure. */
class Issues {
  readonly list: ConfigIssue[] = [];
  readonly #seen = new Set<string>();

  add(path: Path, message: string): void {
    const key = JSON.stringify([path, message]);
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.list.push({ path, message });
  }

  expand(s: string, names: Expansions, where: Path, times = 1): string | undefined {
    let out = s;
    try {
      for (let i = 0; i < times; i++) out = expand(out, names, where.join('.'));
      return out;
    } catch (err) {
      this.add(where, (err as Error).message);
      return undefined;
    }
  }

  throwIfAny(): void {
    if (this.list.length) throw new ConfigError(this.list);
  }
}

// [supervisord] options read through `get` are expanded with here + ENV_* (`read_config`).
const TOP_EXPANDED = [
  'identifier',
  'childlogdir',
  'serverurl',
  'loglevel',
  'nocleanup',
  'stripAnsi',
  'minfds',
  'minprocs',
];

interface Prepared {
  readonly data: RawRecord;
  readonly here: string;
  readonly hostNodeName: string;
  /** ENV_* of the host environment plus the `[supervisord] environment` keys. */
  readonly envNames: Record<string, string>;
  /** The first `groups` entry listing each program (for `%(group_name)s` in options expanded once). */
  readonly firstGroup: ReadonlyMap<string, string>;
}

/**
 * Expands the text of the options supervisord expands once with the per-section names (everything except
 * the per-process options), before the schema converts them: `priority: '%(ENV_PRIO)s'` works as in an
 * INI file.
 */
function prepare(input: unknown, opts: ResolveOptions, issues: Issues): Prepared | undefined {
  if (!isRecord(input)) {
    issues.add([], `expected a configuration object, received ${input === null ? 'null' : typeof input}`);
    return undefined;
  }
  const data: RawRecord = { ...input };
  const here = typeof data.here === 'string' ? path.resolve(expandUser(data.here)) : process.cwd();
  const hostNodeName = opts.hostNodeName ?? hostname();
  const hostEnv = envExpansions(opts.env ?? process.env);
  const topNames: Expansions = { ...hostEnv, here };

  for (const key of TOP_EXPANDED) {
    const v = data[key];
    if (typeof v === 'string') data[key] = issues.expand(v, topNames, [key]);
  }
  const envNames: Record<string, string> = { ...hostEnv };
  if (isRecord(data.environment)) {
    const env: RawRecord = {};
    for (const [k, v] of Object.entries(data.environment)) {
      // supervisord expands [supervisord] environment twice (`saneget`, then `expand` again).
      env[k] = typeof v === 'string' ? issues.expand(v, topNames, ['environment', k], 2) : v;
      const value = env[k];
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        envNames[`ENV_${k}`] = String(value);
      }
    }
    data.environment = env;
  }

  const firstGroup = new Map<string, string>();
  if (isRecord(data.groups)) {
    const groups: RawRecord = {};
    for (const [gname, g] of Object.entries(data.groups)) {
      if (!isRecord(g)) {
        groups[gname] = g;
        continue;
      }
      // [group:x] options get here + ENV_* only.
      const group: RawRecord = { ...g };
      const names: Expansions = { ...envNames, here };
      if (typeof group.priority === 'string')
        group.priority = issues.expand(group.priority, names, ['groups', gname, 'priority']);
      if (typeof group.programs === 'string')
        group.programs = issues.expand(group.programs, names, ['groups', gname, 'programs']);
      if (Array.isArray(group.programs)) {
        group.programs = group.programs.map((p: unknown, i) =>
          typeof p === 'string' ? issues.expand(p, names, ['groups', gname, 'programs', i]) : p,
        );
      }
      groups[gname] = group;
      const members = Array.isArray(group.programs)
        ? group.programs
        : typeof group.programs === 'string'
          ? group.programs.split(',').map((s) => s.trim())
          : [];
      for (const m of members) if (typeof m === 'string' && !firstGroup.has(m)) firstGroup.set(m, gname);
    }
    data.groups = groups;
  }

  if (isRecord(data.programs)) {
    const programs: RawRecord = {};
    for (const [pname, p] of Object.entries(data.programs)) {
      if (!isRecord(p)) {
        programs[pname] = p;
        continue;
      }
      const program: RawRecord = { ...p };
      const names: Expansions = {
        ...envNames,
        here,
        program_name: pname,
        group_name: firstGroup.get(pname) ?? pname,
        host_node_name: hostNodeName,
      };
      for (const [key, v] of Object.entries(program)) {
        if (typeof v === 'string' && !PER_PROCESS_OPTIONS.includes(key)) {
          program[key] = issues.expand(v, names, ['programs', pname, key]);
        }
      }
      programs[pname] = program;
    }
    data.programs = programs;
  }

  // The INI reader hands its [eventlistener:x] pools over as a non-enumerable property.
  if (!Object.hasOwn(data, 'eventListeners') && Object.hasOwn(input, 'eventListeners')) {
    data.eventListeners = input.eventListeners;
  }
  if (isRecord(data.eventListeners)) {
    // [eventlistener:x] options are expanded like a program's, the pool being its own group.
    const pools: RawRecord = {};
    for (const [lname, l] of Object.entries(data.eventListeners)) {
      if (!isRecord(l)) {
        pools[lname] = l;
        continue;
      }
      const pool: RawRecord = { ...l };
      const names: Expansions = {
        ...envNames,
        here,
        program_name: lname,
        group_name: lname,
        host_node_name: hostNodeName,
      };
      for (const [key, v] of Object.entries(pool)) {
        if (typeof v === 'string' && !PER_PROCESS_OPTIONS.includes(key)) {
          pool[key] = issues.expand(v, names, ['eventListeners', lname, key]);
        }
      }
      pools[lname] = pool;
    }
    data.eventListeners = pools;
  }
  return { data, here, hostNodeName, envNames, firstGroup };
}

function keysOf(schema: z.ZodType): string[] {
  // The strict objects sit under pipes/transforms; walk to the shape.
  let s: unknown = schema;
  for (let i = 0; i < 5 && s; i++) {
    const def = (s as { def?: { shape?: object; in?: unknown; innerType?: unknown } }).def;
    if (def?.shape) return Object.keys(def.shape);
    s = def?.in ?? def?.innerType;
  }
  return [];
}

const TOP_KEYS = keysOf(configSchema);
const PROGRAM_KEYS = keysOf(programSchema);
const GROUP_KEYS = keysOf(groupSchema);
const LISTENER_KEYS = keysOf(eventListenerSchema);

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] ?? 0;
}

/** `Unrecognized key "stdout_logfile"; did you mean "stdoutLogfile"?` */
function unknownKeyMessage(key: string, known: readonly string[]): string {
  const camel = key.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  let suggestion = known.find((k) => k === camel || k.toLowerCase() === key.toLowerCase().replace(/_/g, ''));
  if (!suggestion) {
    let best = 3;
    for (const k of known) {
      const d = distance(key.toLowerCase(), k.toLowerCase());
      if (d < best) {
        best = d;
        suggestion = k;
      }
    }
  }
  return `Unrecognized option ${JSON.stringify(key)}${suggestion ? `; did you mean ${JSON.stringify(suggestion)}?` : ''}`;
}

function knownKeysAt(path: Path): readonly string[] {
  if (path.length === 0) return TOP_KEYS;
  if (path.length === 2 && path[0] === 'programs') return PROGRAM_KEYS;
  if (path.length === 2 && path[0] === 'groups') return GROUP_KEYS;
  if (path.length === 2 && path[0] === 'eventListeners') return LISTENER_KEYS;
  return [];
}

/** Maps zod's issues to ours (one per unknown key), so no ZodError ever escapes. */
function addZodIssues(error: z.ZodError, issues: Issues): void {
  for (const iss of error.issues) {
    const where: Path = iss.path.map((p) => (typeof p === 'number' ? p : String(p)));
    if (iss.code === 'unrecognized_keys') {
      for (const key of iss.keys) issues.add([...where, key], unknownKeyMessage(key, knownKeysAt(where)));
    } else if (iss.code === 'invalid_key') {
      for (const inner of iss.issues) issues.add(where, inner.message);
    } else {
      issues.add(where, iss.message);
    }
  }
}

function parse(input: unknown, opts: ResolveOptions, issues: Issues): [ParsedSupervisorConfig, Prepared] {
  const prepared = prepare(input, opts, issues);
  issues.throwIfAny();
  const result = configSchema.safeParse((prepared as Prepared).data);
  if (!result.success) addZodIssues(result.error, issues);
  issues.throwIfAny();
  return [result.data as ParsedSupervisorConfig, prepared as Prepared];
}

/**
 * Validates a configuration and applies supervisord's defaults, without building processes. The options
 * supervisord expands once per section are expanded; the per-process ones (`command`, `processName`,
 * `environment`, `directory`, `stdoutLogfile`, `stderrLogfile`) are returned as written.
 * @throws ConfigError listing every problem
 */
export function validateConfig(input: unknown, opts: ResolveOptions = {}): ParsedSupervisorConfig {
  return parse(input, opts, new Issues())[0];
}

function channel(
  p: ParsedProgramConfig,
  c: 'stdout' | 'stderr',
  names: Expansions,
  where: Path,
  issues: Issues,
): ChannelLogConfig {
  const raw = c === 'stdout' ? p.stdoutLogfile : p.stderrLogfile;
  let syslog = c === 'stdout' ? p.stdoutSyslog : p.stderrSyslog;
  let logfile: string | null = null;
  if (raw !== null) {
    // Expanded twice, as supervisord does (`saneget`, then `expand` again): a literal % needs %%%%.
    const expanded = issues.expand(raw, names, [...where, `${c}Logfile`], 2);
    const value = expanded === undefined ? null : logfileName(expanded);
    if (value === SYSLOG) syslog = true;
    else logfile = value;
  }
  if (c === 'stderr' && p.redirectStderr) logfile = null;
  return {
    logfile,
    logfileMaxbytes: c === 'stdout' ? p.stdoutLogfileMaxbytes : p.stderrLogfileMaxbytes,
    logfileBackups: c === 'stdout' ? p.stdoutLogfileBackups : p.stderrLogfileBackups,
    captureMaxbytes: c === 'stdout' ? p.stdoutCaptureMaxbytes : p.stderrCaptureMaxbytes,
    eventsEnabled: c === 'stdout' ? p.stdoutEventsEnabled : p.stderrEventsEnabled,
    syslog,
  };
}

function compareConfigs(
  a: { priority: number; name: string },
  b: { priority: number; name: string },
): number {
  // options.py Config.__lt__: (priority, name), names compared as strings.
  if (a.priority !== b.priority) return a.priority - b.priority;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** `_processes_from_section`: the processes of one program inside one group. */
function processesOf(
  programName: string,
  p: ParsedProgramConfig,
  groupName: string,
  config: ParsedSupervisorConfig,
  prepared: Prepared,
  issues: Issues,
  section: 'programs' | 'eventListeners' = 'programs',
): ProcessConfig[] {
  const where: Path = [section, programName];
  const base: Expansions = {
    ...prepared.envNames,
    here: prepared.here,
    program_name: programName,
    group_name: groupName,
    host_node_name: prepared.hostNodeName,
  };
  const out: ProcessConfig[] = [];
  for (let num = p.numprocsStart; num < p.numprocsStart + p.numprocs; num++) {
    const names: Record<string, string | number> = { ...base, process_num: num, numprocs: p.numprocs };
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(p.environment)) {
      env[k] = issues.expand(v, names, [...where, 'environment', k]) ?? v;
    }
    // The program's own environment becomes ENV_* for its command, directory and logfiles.
    for (const [k, v] of Object.entries(env)) names[`ENV_${k}`] = v;

    const name = issues.expand(p.processName, names, [...where, 'processName']);
    if (name !== undefined) {
      try {
        processOrGroupName(name);
      } catch (err) {
        issues.add([...where, 'processName'], (err as Error).message);
      }
    }
    const command =
      typeof p.command === 'string'
        ? (issues.expand(p.command, names, [...where, 'command']) ?? p.command)
        : p.command.map((arg, i) => issues.expand(arg, names, [...where, 'command', i]) ?? arg);
    const directory =
      p.directory === null ? null : (issues.expand(p.directory, names, [...where, 'directory']) ?? null);

    out.push({
      name: (name ?? p.processName).trim(),
      programName,
      groupName,
      processNum: num,
      command,
      priority: p.priority,
      autostart: p.autostart,
      autorestart: p.autorestart,
      startsecs: p.startsecs,
      startretries: p.startretries,
      exitcodes: p.exitcodes,
      stopsignal: p.stopsignal,
      stopwaitsecs: p.stopwaitsecs,
      stopasgroup: p.stopasgroup,
      killasgroup: p.killasgroup,
      user: p.user,
      directory,
      umask: p.umask,
      redirectStderr: p.redirectStderr,
      stdout: channel(p, 'stdout', names, where, issues),
      stderr: channel(p, 'stderr', names, where, issues),
      environment: { ...config.environment, ...env },
      serverurl: p.serverurl,
      readiness: readinessOf(p, names, where, issues),
      dependsOn: p.dependsOn,
    });
  }
  return out.sort(compareConfigs);
}

/** Resolves `readiness` for one process: its strings are expanded with the per-process names. */
function readinessOf(
  p: ParsedProgramConfig,
  names: Expansions,
  where: Path,
  issues: Issues,
): ReadinessConfig | null {
  const r = p.readiness;
  if (r === null) return null;
  const at = [...where, 'readiness'];
  const common = { timeout: r.timeout, interval: r.interval, startsecs: r.startsecs };
  if ('pattern' in r) {
    if (r.pattern instanceof RegExp)
      return { kind: 'pattern', pattern: r.pattern, channel: r.channel, ...common };
    const text = issues.expand(r.pattern, names, [...at, 'pattern']) ?? r.pattern;
    return { kind: 'pattern', pattern: new RegExp(escapeRegExp(text)), channel: r.channel, ...common };
  }
  if ('tcp' in r) {
    const spec = typeof r.tcp === 'object' ? r.tcp : { host: '127.0.0.1', port: r.tcp };
    const host = issues.expand(spec.host, names, [...at, 'tcp', 'host']) ?? spec.host;
    const portText =
      typeof spec.port === 'string' ? issues.expand(spec.port, names, [...at, 'tcp']) : spec.port;
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      issues.add([...at, 'tcp'], `not a TCP port: ${JSON.stringify(portText)}`);
    }
    return { kind: 'tcp', host, port, ...common };
  }
  if ('http' in r) {
    const url = issues.expand(r.http, names, [...at, 'http']) ?? r.http;
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      issues.add([...at, 'http'], `not an http(s) URL: ${JSON.stringify(url)}`);
    }
    return { kind: 'http', url, ...common };
  }
  return { kind: 'check', check: r.check, ...common };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `dependsOn` must name programs, and must not form a cycle. */
function checkDependencies(config: ParsedSupervisorConfig, issues: Issues): void {
  const programs = config.programs;
  for (const [name, p] of Object.entries(programs)) {
    for (const dep of Object.keys(p.dependsOn)) {
      if (!(dep in programs))
        issues.add(['programs', name, 'dependsOn', dep], `depends on unknown program ${dep}`);
      else if (dep === name)
        issues.add(['programs', name, 'dependsOn', dep], `program ${name} depends on itself`);
    }
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const reported = new Set<string>();
  const visit = (name: string): void => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of Object.keys(programs[name]?.dependsOn ?? {})) {
      if (!(dep in programs) || dep === name) continue;
      if (state.get(dep) === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(dep)), dep];
        const key = [...cycle].slice(0, -1).sort().join(',');
        if (!reported.has(key)) {
          reported.add(key);
          issues.add(['programs', name, 'dependsOn', dep], `dependency cycle: ${cycle.join(' -> ')}`);
        }
      } else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of Object.keys(programs)) if (!state.has(name)) visit(name);
}

/**
 * An `[eventlistener:x]` pool (`process_groups_from_parser`, `EventListenerConfig`): processes built as a
 * program's, the pool priority -1 unless `priority` is set (which then also sets the processes').
 */
function listenerPool(
  name: string,
  l: ParsedEventListenerConfig,
  config: ParsedSupervisorConfig,
  prepared: Prepared,
  issues: Issues,
): GroupConfig {
  const { events, bufferSize, resultHandler, priority, ...program } = l;
  const processes = processesOf(
    name,
    { ...program, priority: priority ?? 999 },
    name,
    config,
    prepared,
    issues,
    'eventListeners',
  ).map((p) => ({
    ...p,
    // A listener's stdout is the protocol channel (dispatchers.py PEventListenerDispatcher): it is logged,
    // but never captured and never emitted as PROCESS_LOG_STDOUT.
    stdout: { ...p.stdout, captureMaxbytes: 0, eventsEnabled: false },
  }));
  return {
    name,
    priority: priority ?? -1,
    kind: 'eventlistener',
    programs: [name],
    processes,
    listener: { events, bufferSize, resultHandler },
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Validates a configuration and resolves it the way supervisord 4.2.5 reads its config file: defaults,
 * `%(name)s` expansion, one process per `process_num`, groups and their order, merged environments.
 * @param input the configuration ({@link SupervisorConfig} shape; anything else is reported, not thrown raw)
 * @returns the deeply frozen resolved configuration
 * @throws ConfigError listing every problem found (never a partial result, never a ZodError)
 * @example
 * ```ts
 * const config = resolveConfig({
 *   programs: { web: { command: 'node server.js --port 80%(process_num)02d', numprocs: 2, processName: 'web_%(process_num)d' } },
 * });
 * config.groups[0]?.processes.map((p) => p.name); // ['web_0', 'web_1']
 * ```
 */
export function resolveConfig(input: unknown, opts: ResolveOptions = {}): ResolvedConfig {
  const issues = new Issues();
  const [config, prepared] = parse(input, opts, issues);
  checkDependencies(config, issues);

  interface Instance {
    name: string;
    priority: number;
    kind: 'program' | 'group';
    programs: readonly string[];
  }
  const instances: Instance[] = [];
  const grouped = new Set<string>();
  for (const [name, g] of Object.entries(config.groups)) {
    instances.push({ name, priority: g.priority, kind: 'group', programs: g.programs });
    for (const p of g.programs) grouped.add(p);
  }
  for (const [name, p] of Object.entries(config.programs)) {
    if (!grouped.has(name)) instances.push({ name, priority: p.priority, kind: 'program', programs: [name] });
  }

  const groups: GroupConfig[] = [];
  for (const inst of instances) {
    const processes: ProcessConfig[] = [];
    const seen = new Map<string, string>();
    for (const programName of inst.programs) {
      const program = config.programs[programName];
      if (!program) continue; // reported by the schema
      // Inside a groups entry the programs keep the listed order; each program's processes are sorted.
      for (const proc of processesOf(programName, program, inst.name, config, prepared, issues)) {
        const other = seen.get(proc.name);
        if (other !== undefined) {
          issues.add(
            ['programs', programName, 'processName'],
            `process name ${JSON.stringify(proc.name)} is used twice in group ${inst.name}` +
              (other === programName ? '' : ` (also by program ${other})`),
          );
        }
        seen.set(proc.name, programName);
        processes.push(proc);
      }
    }
    groups.push({
      name: inst.name,
      priority: inst.priority,
      kind: inst.kind,
      programs: inst.programs,
      processes,
    });
  }
  for (const [name, l] of Object.entries(config.eventListeners))
    groups.push(listenerPool(name, l, config, prepared, issues));
  issues.throwIfAny();
  groups.sort(compareConfigs);

  return deepFreeze({
    identifier: config.identifier,
    childlogdir: expandUser(config.childlogdir),
    nocleanup: config.nocleanup,
    environment: config.environment,
    stripAnsi: config.stripAnsi,
    serverurl: config.serverurl,
    groups,
  });
}
