/**
 * The configuration schema (zod 4). Option names are supervisord's, camelCased at underscores
 * (`stdout_logfile_maxbytes` → `stdoutLogfileMaxbytes`; `startsecs` stays `startsecs`); defaults are
 * supervisord 4.2.5's (`supervisor/options.py ServerOptions._processes_from_section`, `read_config`).
 *
 * Every typed option also accepts supervisord's text form (`'50MB'`, `'SIGTERM'`, `'0,2'`, `'022'`, `'yes'`),
 * converted by the functions of `datatypes.ts`, so the INI reader can pass its strings through unchanged.
 * @module
 */

export { configSchema } from './supervisor.js';
export type { ParsedSupervisorConfig, SupervisorConfig } from './supervisor.js';
export { PER_PROCESS_OPTIONS, programSchema } from './program.js';
export type { ParsedProgramConfig, ProgramConfig } from './program.js';
export { eventListenerSchema } from './event-listener.js';
export type { EventListenerConfig, ParsedEventListenerConfig } from './event-listener.js';
export { groupSchema } from './group.js';
export type { GroupDefinition, ParsedGroupDefinition } from './group.js';
export { DEPENDENCY_CONDITIONS } from './readiness.js';
