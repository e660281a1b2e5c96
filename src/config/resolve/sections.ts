/**
 * The named sections of a configuration (`programs`, `eventListeners`, `groups`), parsed entry by entry
 * into records without a prototype, and the checks across them.
 *
 * Names are the user's: supervisord accepts `[program:__proto__]` and `[group:constructor]` like any other
 * name (they are dictionary keys in Python). A zod record drops a `__proto__` key, and a lookup in a record
 * with `Object.prototype` finds `constructor` in every one, so each entry is parsed with its own schema
 * here, and the results are kept in records made with `Object.create(null)`. The same holds for the
 * records inside an entry whose keys are names: `environment` and `dependsOn`.
 * @module
 */

import type { z } from 'zod';
import { processOrGroupName } from '../datatypes.js';
import { nameRecord } from '../name-record.js';
import { configSchema, eventListenerSchema, groupSchema, programSchema } from '../schema/index.js';
import { environment } from '../schema/options.js';
import { dependsOn } from '../schema/readiness.js';
import type { ParsedGroupDefinition, ParsedSupervisorConfig } from '../schema/index.js';
import { isRecord, type Issues, type Path, type RawRecord } from './issues.js';
import { addZodIssues } from './zod-issues.js';

const SECTIONS = {
  programs: { schema: programSchema, what: 'programs' },
  eventListeners: { schema: eventListenerSchema, what: 'event listener pools' },
  groups: { schema: groupSchema, what: 'groups' },
} as const;
type Section = keyof typeof SECTIONS;
const SECTION_NAMES = Object.keys(SECTIONS) as Section[];

/** The records inside an entry whose keys are names, each with the schema of such a record. */
const NAME_KEYED = { environment: environment(), dependsOn } as const;
type NameKeyed = keyof typeof NAME_KEYED;
const PROTO = '__proto__';

/**
 * Parses `value` with `schema`, keeping an own `__proto__` key of the name-keyed records inside it (which a
 * zod record drops): that entry is checked alone, under a stand-in key, by the record's own schema, and put
 * back into a record without a prototype.
 */
function parseEntry<S extends z.ZodType>(
  schema: S,
  value: RawRecord,
  where: Path,
  issues: Issues,
): z.output<S> | undefined {
  const held: [key: NameKeyed, value: unknown][] = [];
  const input: RawRecord = { ...value };
  for (const key of Object.keys(NAME_KEYED) as NameKeyed[]) {
    const inner = value[key];
    if (isRecord(inner) && Object.hasOwn(inner, PROTO)) {
      const { [PROTO]: protoValue, ...rest } = inner;
      held.push([key, protoValue]);
      input[key] = rest;
    }
  }
  const result = schema.safeParse(input);
  let ok = result.success;
  if (!result.success) addZodIssues(result.error, issues, where);
  const out = result.data as RawRecord | undefined;
  for (const [key, protoValue] of held) {
    const probe = NAME_KEYED[key].safeParse({ [STAND_IN]: protoValue });
    if (!probe.success) {
      addZodIssues(probe.error, issues, [...where, key], STAND_IN, PROTO);
      ok = false;
    } else if (out) {
      const record = nameRecord<unknown>();
      Object.assign(record, out[key]);
      record[PROTO] = (probe.data as Record<string, unknown>)[STAND_IN];
      out[key] = record;
    }
  }
  return ok ? (out as z.output<S>) : undefined;
}
const STAND_IN = 'name';

/**
 * Validates a prepared configuration: the top-level options with the configuration schema, each named
 * entry with its own schema, then the checks across sections. Every problem is added to `issues`; the
 * result is undefined when there is any.
 */
export function parseSections(data: RawRecord, issues: Issues): ParsedSupervisorConfig | undefined {
  const named = nameRecord<unknown>();
  /** Every name given, whether its entry is valid or not (for the checks across sections). */
  const given = { programs: [] as string[], eventListeners: [] as string[], groups: [] as string[] };
  const top: RawRecord = { ...data };
  for (const section of SECTION_NAMES) {
    const raw = data[section];
    const out = nameRecord<unknown>();
    named[section] = out;
    top[section] = {}; // parsed here, entry by entry
    if (raw === undefined) continue;
    if (!isRecord(raw)) {
      issues.add([section], `expected an object of ${SECTIONS[section].what} by name`);
      continue;
    }
    for (const name of Object.keys(raw)) {
      given[section].push(name);
      const value = raw[name];
      if (!isRecord(value)) {
        issues.add([section, name], `expected an object of options, received ${describe(value)}`);
        continue;
      }
      const parsed = parseEntry(SECTIONS[section].schema, value, [section, name], issues);
      if (parsed !== undefined) out[name] = parsed;
    }
  }
  const env = data.environment;
  if (isRecord(env) && Object.hasOwn(env, PROTO)) {
    const entry = parseEntry(TOP_ENVIRONMENT, { environment: env }, [], issues);
    delete top.environment;
    if (entry) named.environment = entry.environment;
  }
  const result = configSchema.safeParse(top);
  if (!result.success) addZodIssues(result.error, issues);
  checkSections(given, named.groups as Record<string, ParsedGroupDefinition>, issues);
  if (!result.success || issues.list.length > 0) return undefined;
  return { ...result.data, ...named } as ParsedSupervisorConfig;
}

const TOP_ENVIRONMENT = configSchema.pick({ environment: true });

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

/**
 * supervisord's checks across sections (`process_groups_from_parser`, `process_or_group_name`): valid
 * names, no listener pool or group named as another group, groups naming known programs once each.
 */
function checkSections(
  given: Readonly<Record<Section, readonly string[]>>,
  groups: Readonly<Record<string, ParsedGroupDefinition>>,
  issues: Issues,
): void {
  const programs = new Set(given.programs);
  const groupNames = new Set(given.groups);
  const grouped = new Set<string>();
  for (const g of Object.values(groups)) for (const p of g.programs) grouped.add(p);
  const checkName = (section: Section, name: string): void => {
    try {
      if (processOrGroupName(name) !== name)
        throw new Error(`Invalid name: ${JSON.stringify(name)} (surrounding space)`);
      if (name === '') throw new Error('Invalid name: "" (empty)');
    } catch (err) {
      issues.add([section, name], (err as Error).message);
    }
  };
  for (const name of given.programs) checkName('programs', name);
  for (const name of given.eventListeners) {
    checkName('eventListeners', name);
    if (groupNames.has(name) || (programs.has(name) && !grouped.has(name))) {
      issues.add(['eventListeners', name], `event listener pool ${name} has the name of another group`);
    }
  }
  for (const name of given.groups) {
    checkName('groups', name);
    if (programs.has(name) && !grouped.has(name)) {
      issues.add(
        ['groups', name],
        `group ${name} has the name of program ${name}, which forms its own group`,
      );
    }
  }
  for (const [name, group] of Object.entries(groups)) {
    const seen = new Set<string>();
    group.programs.forEach((program, i) => {
      if (!programs.has(program)) {
        issues.add(['groups', name, 'programs', i], `[group:${name}] names unknown program ${program}`);
      } else if (seen.has(program)) {
        issues.add(['groups', name, 'programs', i], `[group:${name}] lists program ${program} twice`);
      }
      seen.add(program);
    });
  }
}
