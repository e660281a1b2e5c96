/**
 * The groups of a configuration (supervisord's `process_groups_from_parser`): one per program not listed in
 * a `groups` entry, one per `groups` entry, one per event listener pool.
 * @module
 */

import type { ParsedEventListenerConfig, ParsedSupervisorConfig } from '../schema/index.js';
import type { GroupConfig, ProcessConfig } from '../types.js';
import { CONFIG_LIMITS } from '../limits.js';
import type { Issues } from './issues.js';
import type { Prepared } from './prepare.js';
import { compareConfigs, processesOf } from './process.js';

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
  for (const inst of instances)
    for (const name of inst.programs) total += Math.max(0, config.programs[name]?.numprocs ?? 0);
  for (const l of Object.values(config.eventListeners)) total += Math.max(0, l.numprocs);
  if (total > CONFIG_LIMITS.processes) {
    issues.add(
      [],
      `the configuration makes ${total} processes; at most ${CONFIG_LIMITS.processes} are allowed (CONFIG_LIMITS.processes)`,
    );
    return [];
  }

  const groups: GroupConfig[] = [];
  for (const inst of instances) {
    const processes: ProcessConfig[] = [];
    const seen = new Map<string, string>();
    for (const programName of inst.programs) {
      const program = config.programs[programName];
      if (!program) continue; // reported by the schema
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
  return groups.sort(compareConfigs);
}
