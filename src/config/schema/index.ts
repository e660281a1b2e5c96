/**
 * The configuration schema (zod 4). Option names are supervisord's, camelCased at underscores
 * (`stdout_logfile_maxbytes` → `stdoutLogfileMaxbytes`; `startsecs` stays `startsecs`); defaults are
 * supervisord 4.2.5's (`supervisor/options.py ServerOptions._processes_from_section`, `read_config`).
 *
 * Every typed option also accepts supervisord's text form (`'50MB'`, `'SIGTERM'`, `'0,2'`, `'022'`, `'yes'`),
 * converted by the functions of `datatypes.ts`, so the INI reader can pass its strings through unchanged. The
 * public input types are narrower and hand-written (`../input/`); a type test checks both agree.
 * @module
 */

export { configSchema } from './supervisor.js';
export type { ParsedSupervisorConfig, SupervisorSchemaInput } from './supervisor.js';
export { PER_PROCESS_OPTIONS, programSchema } from './program.js';
export type { ParsedProgramConfig, ProgramSchemaInput } from './program.js';
export { eventListenerSchema } from './event-listener.js';
export type { EventListenerSchemaInput, ParsedEventListenerConfig } from './event-listener.js';
export { groupSchema } from './group.js';
export type { GroupSchemaInput, ParsedGroupDefinition } from './group.js';
// What users write: the hand-written input types, which the schemas accept (test/types/config-input.test.ts).
export type { EventListenerConfig, GroupDefinition, ProgramConfig, SupervisorConfig } from '../input/index.js';
export { DEPENDENCY_CONDITIONS } from './readiness.js';
