/**
 * `[group:x]`, `[program:x]`, `[eventlistener:x]` and `[fcgi-program:x]`: a port of supervisord's
 * `ServerOptions.process_groups_from_parser` (`supervisor/options.py` 680–845), in its order (groups, then
 * programs, then listeners, then fcgi programs, each in file order), so the first error is supervisord's.
 * @module
 */

import type { GroupDefinition, ProgramConfig } from '../config/schema/index.js';
import { integer, processOrGroupName } from '../config/datatypes.js';
import { EVENT_PARENTS } from '../events/types.js';
import { attempt, placeOf, saneget } from './context.js';
import type { ReadContext } from './context.js';
import { at, IniValueError } from './ini-error.js';
import type { IniGroup } from './model.js';
import { processesFromSection } from './program-section.js';
import { checkImportSpec } from './supervisord-section.js';
import { fcgiFromSection } from './fcgi-section.js';
import { isSupervisorStdoutSpec, supervisorStdout } from './supervisor-stdout.js';
import type { ResultHandler } from '../listeners/types.js';
import { nameRecord } from '../config/name-record.js';

/** An `[eventlistener:x]` as a config entry: the program options plus the pool's own. */
export type EventListenerConfig = ProgramConfig & {
  /** `events`: the event type names the pool subscribes to (upper-cased, each once). */
  events: readonly string[];
  /** `buffer_size`: events queued per pool before the oldest is dropped. @default 10 */
  bufferSize?: number;
  /**
   * `result_handler`: supervisord's `module:callable` import spec, kept as text, or the built-in
   * equivalent of `supervisor_stdout:event_handler`.
   */
  resultHandler?: string | ResultHandler;
};

/** The groups supervisord makes, and the config entries. */
export interface GroupsResult {
  /** Sorted by (priority, name), supervisord's order. */
  readonly groups: IniGroup[];
  readonly programs: Record<string, ProgramConfig>;
  readonly groupDefs: Record<string, GroupDefinition>;
  readonly eventListeners: Record<string, EventListenerConfig>;
}

/** Python's `list_of_strings`. */
function listOfStrings(arg: string | null): string[] {
  if (!arg) return [];
  return arg.split(',').map((x) => x.trim());
}

function setEntry<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `process_groups_from_parser`. */
export function groupsFromParser(ctx: ReadContext): GroupsResult {
  const groups: IniGroup[] = [];
  const programs = nameRecord<ProgramConfig>();
  const groupDefs = nameRecord<GroupDefinition>();
  const eventListeners = nameRecord<EventListenerConfig>();
  const allSections = ctx.parser.sections();
  const has = new Set(allSections);
  const homogeneousExclude = new Set<string>();
  const get = <T>(section: string, option: string, fallback: T, p?: (string | number)[]): string | T =>
    saneget(ctx, section, option, fallback, { expansions: { here: ctx.here }, ...(p ? { path: p } : {}) });
  const int = (section: string, option: string, fallback: number, p: (string | number)[]): number => {
    const v = get(section, option, fallback, p);
    return at(placeOf(ctx, section, option, p), () => integer(String(v)));
  };

  for (const groupSection of allSections) {
    if (!groupSection.startsWith('group:')) continue;
    // Section by section: a bad one is recorded and left out, so the others are checked too.
    attempt(
      ctx,
      () => {
        const rawName = groupSection.slice(groupSection.indexOf(':') + 1);
        const groupName = at(placeOf(ctx, groupSection, undefined, ['groups', rawName]), () =>
          processOrGroupName(rawName),
        );
        const names = listOfStrings(
          get<null>(groupSection, 'programs', null, ['groups', groupName, 'programs']),
        );
        const priority = int(groupSection, 'priority', 999, ['groups', groupName, 'priority']);
        const processes: IniGroup['processes'] = [];
        // supervisord reuses its `section` variable here, so these messages name the last program read.
        let section = groupSection;
        for (const program of names) {
          const programSection = `program:${program}`;
          const fcgiSection = `fcgi-program:${program}`;
          const where = placeOf(ctx, groupSection, 'programs', ['groups', groupName, 'programs']);
          if (!has.has(programSection) && !has.has(fcgiSection)) {
            throw new IniValueError(`[${section}] names unknown program or fcgi-program ${program}`, where);
          }
          if (has.has(programSection) && has.has(fcgiSection)) {
            throw new IniValueError(
              `[${section}] name ${program} is ambiguous (exists as program and fcgi-program)`,
              where,
            );
          }
          // An fcgi-program named by a [group:x] is read as a plain program (supervisord passes ProcessConfig):
          // its processes get no socket.
          section = has.has(programSection) ? programSection : fcgiSection;
          homogeneousExclude.add(section);
          const result = processesFromSection(ctx, section, groupName, 'programs');
          processes.push(...result.processes);
          if (!Object.hasOwn(programs, program)) setEntry(programs, program, result.program);
        }
        groups.push({ name: groupName, type: 'process', priority, processes });
        const def: GroupDefinition = { programs: names };
        if (ctx.parser.get(groupSection, 'priority') !== undefined) def.priority = priority;
        setEntry(groupDefs, groupName, def);
      },
      () => {
        // Its programs are not read again as programs of their own, as supervisord would not.
        for (const program of listOfStrings(ctx.parser.get(groupSection, 'programs')?.value ?? null)) {
          homogeneousExclude.add(`program:${program}`);
          homogeneousExclude.add(`fcgi-program:${program}`);
        }
      },
    );
  }

  for (const section of allSections) {
    if (!section.startsWith('program:') || homogeneousExclude.has(section)) continue;
    // Section by section: a bad one is recorded and left out, so the others are checked too.
    attempt(
      ctx,
      () => {
        const rawName = section.slice(section.indexOf(':') + 1);
        const programName = at(placeOf(ctx, section, undefined, ['programs', rawName]), () =>
          processOrGroupName(rawName),
        );
        const priority = int(section, 'priority', 999, ['programs', programName, 'priority']);
        const result = processesFromSection(ctx, section, programName, 'programs');
        groups.push({ name: programName, type: 'process', priority, processes: result.processes });
        setEntry(programs, programName, result.program);
      },
      () => undefined,
    );
  }

  for (const section of allSections) {
    if (!section.startsWith('eventlistener:')) continue;
    // Section by section: a bad one is recorded and left out, so the others are checked too.
    attempt(
      ctx,
      () => {
        const poolName = section.slice(section.indexOf(':') + 1);
        const p = (key: string): (string | number)[] => ['eventListeners', poolName, key];
        const priority = int(section, 'priority', -1, p('priority'));
        const bufferSize = int(section, 'buffer_size', 10, p('bufferSize'));
        if (bufferSize < 1) {
          throw new IniValueError(
            `[${section}] section sets invalid buffer_size (${bufferSize})`,
            placeOf(ctx, section, 'buffer_size', p('bufferSize')),
          );
        }
        const resultHandler = String(
          get(section, 'result_handler', 'supervisor.dispatchers:default_handler'),
        );
        at(placeOf(ctx, section, 'result_handler', p('resultHandler')), () => checkImportSpec(resultHandler));
        const events = [
          ...new Set(listOfStrings(get<null>(section, 'events', null, p('events'))).map(upper)),
        ];
        if (events.length === 0) {
          throw new IniValueError(
            `[${section}] section requires an "events" line`,
            placeOf(ctx, section, 'events'),
          );
        }
        for (const name of events) {
          if (!Object.hasOwn(EVENT_PARENTS, name)) {
            throw new IniValueError(
              `Unknown event type ${name} in [${section}] events`,
              placeOf(ctx, section, 'events', p('events')),
            );
          }
        }
        const redirect = get(section, 'redirect_stderr', 'false');
        if (['yes', 'true', 'on', '1'].includes(String(redirect).toLowerCase())) {
          throw new IniValueError(
            `[${section}] section sets redirect_stderr=true but this is not allowed because it will interfere ` +
              'with the eventlistener protocol',
            placeOf(ctx, section, 'redirect_stderr', p('redirectStderr')),
          );
        }
        const result = processesFromSection(ctx, section, poolName, 'eventListeners');
        groups.push({
          name: poolName,
          type: 'eventlistener',
          priority,
          processes: result.processes,
          events: [...events].sort(),
          buffer_size: bufferSize,
          result_handler: resultHandler,
        });
        const entry: EventListenerConfig = { ...result.program, events };
        if (ctx.parser.get(section, 'buffer_size') !== undefined) entry.bufferSize = bufferSize;
        if (ctx.parser.get(section, 'result_handler') !== undefined) {
          entry.resultHandler = isSupervisorStdoutSpec(resultHandler) ? supervisorStdout : resultHandler;
        }
        setEntry(eventListeners, poolName, entry);
      },
      () => undefined,
    );
  }

  for (const section of allSections) {
    if (!section.startsWith('fcgi-program:') || homogeneousExclude.has(section)) continue;
    // Section by section: a bad one is recorded and left out, so the others are checked too.
    attempt(
      ctx,
      () => {
        // The socket path must be absolute, so normalising it needs no current directory.
        const fcgi = fcgiFromSection(ctx, section, '/');
        groups.push(fcgi.group);
        if (!Object.hasOwn(programs, fcgi.name)) setEntry(programs, fcgi.name, fcgi.program);
      },
      () => undefined,
    );
  }

  // Config.__lt__: (priority, name).
  groups.sort((a, b) => a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { groups, programs, groupDefs, eventListeners };
}

/** Python's `str.upper()` for event names (ASCII in practice). */
function upper(s: string): string {
  return s.toUpperCase();
}
