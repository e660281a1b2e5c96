/**
 * The first step of a resolution: a copy of the input, with the options supervisord expands once per section
 * expanded, before the schema converts them.
 * @module
 */

import { hostname } from 'node:os';
import path from 'node:path';
import { expandUser } from '../datatypes.js';
import { nameRecord } from '../name-record.js';
import { envExpansions } from '../expand.js';
import type { Expansions } from '../expand.js';
import { PER_PROCESS_OPTIONS } from '../schema/index.js';
import { copyInput, InputShapeError } from './copy.js';
import { isRecord, type Issues, type RawRecord } from './issues.js';

/** Where the values of `%(ENV_*)s`, `%(host_node_name)s` come from. */
export interface ResolveOptions {
  /** The environment behind `%(ENV_<NAME>)s`. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The value of `%(host_node_name)s`. @default os.hostname() */
  readonly hostNodeName?: string;
}

// [supervisord] options read through `get` are expanded with here + ENV_* (`read_config`).
const TOP_EXPANDED = [
  'identifier',
  'childlogdir',
  'serverurl',
  'loglevel',
  'logfile',
  'logfileMaxbytes',
  'logfileBackups',
  'nocleanup',
  'stripAnsi',
  'minfds',
  'minprocs',
];

/** The input after {@link prepare}, and the names it was expanded with. */
export interface Prepared {
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
export function prepare(input: unknown, opts: ResolveOptions, issues: Issues): Prepared | undefined {
  if (!isRecord(input)) {
    issues.add(
      [],
      `expected a configuration object, received ${input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input}`,
    );
    return undefined;
  }
  // Our own copy: the user's objects are never mutated, frozen or handed on (see copy.ts).
  let data: RawRecord;
  try {
    data = copyInput({ ...input }) as RawRecord;
  } catch (err) {
    if (!(err instanceof InputShapeError)) throw err;
    issues.add(err.path, err.message);
    return undefined;
  }
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
    const env = nameRecord<unknown>();
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
    const groups = nameRecord<unknown>();
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
    const programs = nameRecord<unknown>();
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
    try {
      data.eventListeners = copyInput(input.eventListeners);
    } catch (err) {
      if (!(err instanceof InputShapeError)) throw err;
      issues.add(['eventListeners', ...err.path], err.message);
      return undefined;
    }
  }
  if (isRecord(data.eventListeners)) {
    // [eventlistener:x] options are expanded like a program's, the pool being its own group.
    const pools = nameRecord<unknown>();
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
