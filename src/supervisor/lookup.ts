/**
 * supervisord's namespec lookup (`rpcinterface.py _getGroupAndProcess`, `options.py split_namespec`):
 * `group:name`, `group:*` or `group:` for the whole group, or a bare name for a process whose group has its
 * name.
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
  if (!group) throw new BadNameError(name);
  if (processName === null) return { group, process: null };
  const process = group.getProcess(processName);
  if (!process) throw new BadNameError(name);
  return { group, process };
}

/** The process `name` names; BAD_NAME for an unknown name or a whole group. */
export function lookupProcess(groups: ReadonlyMap<string, ProgramGroup>, name: string): Process {
  const { process } = lookup(groups, name);
  if (!process) throw new BadNameError(name);
  return process;
}

/** The group named `name`; BAD_NAME when there is none. */
export function lookupGroup(groups: ReadonlyMap<string, ProgramGroup>, name: string): ProgramGroup {
  const group = groups.get(name);
  if (!group) throw new BadNameError(name);
  return group;
}
