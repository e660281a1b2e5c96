/**
 * supervisord's namespec lookup (`rpcinterface.py _getGroupAndProcess`, `options.py split_namespec`):
 * `group:name`, `group:*` or `group:` for the whole group, or a bare name for a process whose group has its
 * name. A miss is supervisord's `BAD_NAME: <name>`, with a hint naming what would have matched.
 * @module
 */
import { BadNameError } from '../errors.js';
import type { ProgramGroup } from '../group/program-group.js';
import type { Process } from '../process/process.js';

/** The group, and the process unless the namespec names the whole group. */
export interface Found {
  readonly group: ProgramGroup;
  readonly process: Process | null;
}

/** At most this many process names are listed in a hint. */
const LISTED = 5;

/** `web:web-00, web:web-01` (the first few, then how many more). */
function listNames(group: ProgramGroup): string {
  const names = group.processes.map((p) => `${group.name}:${p.name}`);
  const shown = names.slice(0, LISTED).join(', ');
  return names.length > LISTED ? `${shown}, … (${names.length - LISTED} more)` : shown;
}

function processes(n: number): string {
  return n === 1 ? '1 process' : `${n} processes`;
}

/** What a group holds, for a name that named it but no process of it. */
function groupHint(group: ProgramGroup, given: string): string {
  const n = group.processes.length;
  return `${given} is a group of ${processes(n)}: ${listNames(group)}; use '${group.name}:*' for all of them`;
}

/** The processes of other groups called `name`, for a bare name that is no group's. */
function elsewhere(groups: ReadonlyMap<string, ProgramGroup>, name: string): string | undefined {
  const found: string[] = [];
  for (const group of groups.values()) if (group.getProcess(name)) found.push(`${group.name}:${name}`);
  if (found.length === 0) return undefined;
  return `did you mean ${found.map((f) => `'${f}'`).join(' or ')}?`;
}

/** Resolves `name` among `groups`; BAD_NAME when nothing matches. */
export function lookup(groups: ReadonlyMap<string, ProgramGroup>, name: string): Found {
  if (typeof name !== 'string') throw new TypeError(`name must be a string, got ${JSON.stringify(name)}`);
  let groupName = name;
  let processName: string | null = name;
  const colon = name.indexOf(':');
  if (colon >= 0) {
    groupName = name.slice(0, colon);
    processName = name.slice(colon + 1);
    if (processName === '' || processName === '*') processName = null;
  }
  const group = groups.get(groupName);
  if (!group) throw new BadNameError(name, colon < 0 ? elsewhere(groups, name) : undefined);
  if (processName === null) return { group, process: null };
  const process = group.getProcess(processName);
  if (!process) {
    const n = group.processes.length;
    const hint =
      n === 0
        ? `${group.name} is a group without processes`
        : colon < 0
          ? groupHint(group, name)
          : `group ${group.name} has ${processes(n)}: ${listNames(group)}`;
    throw new BadNameError(name, hint);
  }
  return { group, process };
}

/** The process `name` names; BAD_NAME for an unknown name or a whole group. */
export function lookupProcess(groups: ReadonlyMap<string, ProgramGroup>, name: string): Process {
  const { group, process } = lookup(groups, name);
  if (!process) {
    const n = group.processes.length;
    const hint =
      n === 0
        ? `${group.name} is a group without processes`
        : `'${name}' names the whole group ${group.name}; name one of its ${processes(n)}: ${listNames(group)}`;
    throw new BadNameError(name, hint);
  }
  return process;
}

/** The group named `name`; BAD_NAME when there is none. */
export function lookupGroup(groups: ReadonlyMap<string, ProgramGroup>, name: string): ProgramGroup {
  const group = groups.get(name);
  if (!group) {
    const colon = name.indexOf(':');
    const hint =
      colon > 0 && groups.has(name.slice(0, colon))
        ? `a group is named without ':'; did you mean '${name.slice(0, colon)}'?`
        : undefined;
    throw new BadNameError(name, hint);
  }
  return group;
}
