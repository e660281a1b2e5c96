/**
 * The configuration as people write it: hand-written interfaces with each option's meaning, unit, default
 * and supervisord key. The zod schemas accept all of it (and supervisord's text forms too, for the INI
 * entry); `test/types/config-input.test.ts` keeps the two in step.
 * @module
 */

export type { EventListenerConfig, GroupDefinition, SupervisorConfig } from './sections.js';
export type { FcgiOptions, ProcessOptions, ProgramConfig } from './program.js';
export type { StderrLogOptions, StdoutLogOptions } from './channel.js';
export type {
  BackoffDefinition,
  CheckedProcess,
  DependencyConditionName,
  DependencyDefinition,
  HealthcheckDefinition,
  HealthcheckTiming,
  ReadinessDefinition,
  ReadinessTiming,
  TcpTarget,
} from './procvisor.js';
export type {
  ByteSize,
  EnvironmentInput,
  LogfilePath,
  LogLevelName,
  RotationInterval,
  Signal,
  SignalName,
} from './values.js';
