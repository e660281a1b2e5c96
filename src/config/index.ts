/**
 * Configuration: the schema, its validation and its resolution into frozen process and group configs.
 * The zod schemas stay inside this room (`schema/`): what leaves it is our own types, the resolved
 * configuration and a JSON Schema, so that zod's version never becomes part of the public API.
 * @module
 */

export type {
  ParsedEventListenerConfig,
  ParsedGroupDefinition,
  ParsedProgramConfig,
  ParsedSupervisorConfig,
} from './schema/index.js';
export type * from './input/index.js';
export { parseDuration } from './duration.js';
export type { Duration, DurationUnit } from './duration.js';
export { parseConfig, resolveConfig, validateConfig } from './resolve/index.js';
export { CONFIG_LIMITS } from './limits.js';
export type { ConfigValidation, ResolveOptions } from './resolve/index.js';
export { buildJsonSchema, configJsonSchema } from './json-schema.js';
export type { JsonSchema } from './json-schema.js';
export { expand } from './expand.js';
export type { Expansions } from './expand.js';
export type {
  AutoRestart,
  ChannelLogConfig,
  DependencyCondition,
  GroupConfig,
  ListenerPoolConfig,
  LogfileSetting,
  ProcessConfig,
  ReadinessConfig,
  ResolvedConfig,
} from './types.js';
