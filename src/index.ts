/**
 * procvisor: supervise processes the way supervisord does, from inside a Node program.
 * @module procvisor
 */
export { Supervisor } from './supervisor.js';
export type { ProcessResult, ConfigInfo, SupervisorOptions, UpdateResult } from './supervisor.js';
export { ProgramGroup } from './program-group.js';
export { Process } from './process.js';
export type { WaitOptions } from './process.js';
export {
  ProcessStates,
  SupervisorStates,
  PROCESS_STATE_NAMES,
  STOPPED_STATES,
  RUNNING_STATES,
  SIGNALLABLE_STATES,
} from './states.js';
export type {
  ProcessStateName,
  ProcessStateCode,
  SupervisorStateName,
  SupervisorStateCode,
} from './states.js';
export {
  SupervisorError,
  ConfigError,
  BadNameError,
  BadSignalError,
  ProcessStateError,
  SpawnError,
  ShutdownStateError,
  WaitTimeoutError,
  Faults,
  ERROR_CODES,
} from './errors.js';
export type { ErrorCode, FaultName, ConfigIssue } from './errors.js';
export * from './events/index.js';
export * from './listeners/index.js';
export type { ProcessInfo } from './info.js';
export { ManualClock, systemClock } from './clock.js';
export type { Clock, TimerHandle } from './clock.js';
export type { Spawner, SpawnRequest, ChildHandle, ChildObserver } from './platform/spawner.js';
export { nodeSpawner } from './platform/spawner.js';
export type { LinesOptions } from './logging/lines.js';
export type { SyslogOptions } from './logging/syslog.js';
export type { TailResult } from './logging/read.js';
export type { Channel, LogErrorRecord } from './logging/types.js';
export { resolveConfig, validateConfig, configSchema, programSchema, groupSchema } from './config/index.js';
export type { ResolveOptions } from './config/index.js';
export { eventListenerSchema } from './config/schema.js';
export type { SupervisorConfig, ProgramConfig, GroupDefinition } from './config/schema.js';
export type { EventListenerConfig } from './config/schema.js';
export type {
  ResolvedConfig,
  GroupConfig,
  ListenerPoolConfig,
  ProcessConfig,
  ChannelLogConfig,
  AutoRestart,
  LogfileSetting,
  ReadinessConfig,
  DependencyCondition,
} from './config/types.js';
export { transition, TRANSITIONS, INITIAL_SNAPSHOT } from './state-machine.js';
export type {
  Snapshot,
  Input,
  Effect,
  StateChange,
  TransitionContext,
  TimerName,
  Stamp,
  LogLine,
  Result as TransitionResult,
} from './state-machine.js';
