/**
 * Configuration: the schema, its validation and its resolution into frozen process and group configs.
 * @module
 */

export { configSchema, groupSchema, programSchema } from './schema.js';
export type {
  GroupDefinition,
  ParsedGroupDefinition,
  ParsedProgramConfig,
  ParsedSupervisorConfig,
  ProgramConfig,
  SupervisorConfig,
} from './schema.js';
export { resolveConfig, validateConfig } from './resolve.js';
export type { ResolveOptions } from './resolve.js';
export { expand, pythonFormat } from './expand.js';
export type { Expansions } from './expand.js';
export type {
  AutoRestart,
  ChannelLogConfig,
  GroupConfig,
  LogfileSetting,
  ProcessConfig,
  ResolvedConfig,
} from './types.js';
