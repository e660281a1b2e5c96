/**
 * The groups of a configuration (supervisord's `process_groups_from_parser`): one per program not listed in
 * a `groups` entry, one per `groups` entry, one per event listener pool.
 * @module
 */

import type {
  ParsedEventListenerConfig,
  ParsedProgramConfig,
  ParsedSupervisorConfig,
} from '../schema/index.js';
import type { GroupConfig, ProcessConfig } from '../types.js';
import { CONFIG_LIMITS } from '../limits.js';
import type { Issues } from './issues.js';
import type { Prepared } from './prepare.js';
import { compareConfigs, processesOf } from './process.js';
import { fcgiSocketOf, FcgiSocketError, type FcgiSocketConfig } from '../fcgi-socket.js';

/**
 * The FastCGI socket of a program's own group, its address expanded with the program-level names; in a
 * `groups` entry a program cannot have one (supervisord reads it there as a plain program, without socket).
 */
function socketOf(
  name: string,
  p: ParsedProgramConfig,
  kind: 'program' | 'group',
  groupName: string,
  prepared: Prepared,
  issues: Issues,
): FcgiSocketConfig | undefined {
  const where = ['programs', name];
  if (p.socket === undefined) {
    for (const key of ['socketBacklog', 'socketOwner', 'socketMode'] as const) {
      if (p[key] !== undefined)
        issues.add([...where, key], `${key} needs socket (it is an option of a FastCGI program)`);
    }
    return undefined;
  }
  if (kind === 'group') {
    issues.add(
      [...where, 'socket'],
      `program ${name} has a socket but is listed in group ${groupName}: a FastCGI program must be its own group`,
    );
    return undefined;
  }
  const names = {
    ...prepared.envNames,
    here: prepared.here,
    program_name: name,
    group_name: name,
    host_node_name: prepared.hostNodeName,
  };
  const socket = issues.expand(p.socket, names, [...where, 'socket']);
  if (socket === undefined) return undefined;
  try {
    return fcgiSocketOf({ ...p, socket });
  } catch (err) {
    if (!(err instanceof FcgiSocketError)) throw err;
    issues.add([...where, err.option], err.message);
    return undefined;
  }
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

/** The characters of strings, and of the names and values of a record of them (an environment). */
function textOf(value: string | readonly string[] | Readonly<Record<string, string>> | null): number {
  if (value === null) return 0;
  if (typeof value === 'string') return value.length;
  const parts = Array.isArray(value) ? value : Object.entries(value).flat();
  return parts.reduce((n: number, s: string) => n + s.length, 0);
}

type PerProcess = Pick<
  ParsedProgramConfig,
  'command' | 'processName' | 'environment' | 'directory' | 'stdoutLogfile' | 'stderrLogfile' | 'readiness'
>;

/** The strings of a readiness check (expanded per process; a pattern is compiled per process too). */
function readinessText(r: ParsedProgramConfig['readiness']): number {
  if (r === null) return 0;
  if ('pattern' in r) return typeof r.pattern === 'string' ? r.pattern.length : 0;
  if ('tcp' in r)
    return typeof r.tcp === 'object' ? r.tcp.host.length + String(r.tcp.port).length : String(r.tcp).length;
  if ('http' in r) return r.http.length;
  return 0;
}

/** The text of a program that is expanded and copied once per process (see `CONFIG_LIMITS.processText`). */
function perProcessText(p: PerProcess): number {
  return (
    textOf(p.command) +
    p.processName.length +
    textOf(p.environment) +
    textOf(p.directory) +
    textOf(p.stdoutLogfile) +
    textOf(p.stderrLogfile) +
    readinessText(p.readiness)
  );
}

/**
 * Every group of the configuration, sorted by (priority, name) as supervisord sorts them. Inside a `groups`
 * entry the programs keep the listed order; each program's processes are sorted.
 */
export function resolveGroups(
  config: ParsedSupervisorConfig,
  prepared: Prepared,
  issues: Issues,
): GroupConfig[] {
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

  // Counted before any is built: past the bound, building them is the work the bound saves.
  let total = 0;
  let text = 0;
  const topText = textOf(config.environment);
  const count = (p: (PerProcess & { numprocs: number }) | undefined): void => {
    const n = Math.max(0, p?.numprocs ?? 0);
    total += n;
    if (p && n > 0) text += n * (topText + perProcessText(p));
  };
  for (const inst of instances) for (const name of inst.programs) count(config.programs[name]);
  for (const l of Object.values(config.eventListeners)) count(l);
  if (total > CONFIG_LIMITS.processes) {
    issues.add(
      [],
      `the configuration makes ${total} processes; at most ${CONFIG_LIMITS.processes} are allowed (CONFIG_LIMITS.processes)`,
    );
    return [];
  }
  if (text > CONFIG_LIMITS.processText) {
    issues.add(
      [],
      `the processes of the configuration carry ${text} characters of per-process text (command, environment, ...); ` +
        `at most ${CONFIG_LIMITS.processText} are allowed (CONFIG_LIMITS.processText)`,
    );
    return [];
  }

  const groups: GroupConfig[] = [];
  for (const inst of instances) {
    const processes: ProcessConfig[] = [];
    const seen = new Map<string, string>();
    let socket: FcgiSocketConfig | undefined;
    for (const programName of inst.programs) {
      const program = config.programs[programName];
      if (!program) continue; // reported by the schema
      socket = socketOf(programName, program, inst.kind, inst.name, prepared, issues) ?? socket;
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
      ...(socket ? { socket } : {}),
    });
  }
  for (const [name, l] of Object.entries(config.eventListeners))
    groups.push(listenerPool(name, l, config, prepared, issues));
  return groups.sort(compareConfigs);
}
