/**
 * procvisor: supervise processes the way supervisord does, from inside a Node program.
 * @module procvisor
 */
export { Supervisor } from './supervisor/supervisor.js';
export type { ProcessResult, ConfigInfo, SupervisorOptions, UpdateResult } from './supervisor/supervisor.js';
export { ProgramGroup } from './group/program-group.js';
export { Process } from './process/process.js';
export type { WaitOptions, WaitForOptions } from './process/options.js';
export {
  ProcessStates,
  SupervisorStates,
  PROCESS_STATE_NAMES,
  STOPPED_STATES,
  RUNNING_STATES,
  SIGNALLABLE_STATES,
} from './core/states.js';
export type {
  ProcessStateName,
  ProcessStateCode,
  SupervisorStateName,
  SupervisorStateCode,
} from './core/states.js';
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
export type { ProcessInfo } from './core/info.js';
export { ManualClock, systemClock } from './clock.js';
export type { Clock, TimerHandle } from './clock.js';
export type { Spawner, SpawnRequest, ChildHandle, ChildObserver } from './platform/spawner.js';
export { nodeSpawner } from './platform/spawner.js';
export type { LinesOptions } from './logging/lines.js';
export type { SyslogOptions } from './logging/syslog.js';
export type { TailResult } from './logging/read.js';
export type { Channel, LogErrorRecord } from './logging/types.js';
export { FaultWarningCodes } from './supervisor/fault-warnings.js';
export type { FaultWarningCode } from './supervisor/fault-warnings.js';
export { resolveConfig, validateConfig, configJsonSchema, CONFIG_LIMITS } from './config/index.js';
export type { ResolveOptions, ConfigValidation, JsonSchema } from './config/index.js';
export type {
  SupervisorConfig,
  ProgramConfig,
  ProcessOptions,
  FcgiOptions,
  StdoutLogOptions,
  StderrLogOptions,
  GroupDefinition,
  EventListenerConfig,
  ReadinessDefinition,
  ReadinessTiming,
  HealthcheckDefinition,
  HealthcheckTiming,
  BackoffDefinition,
  DependencyDefinition,
  DependencyConditionName,
  CheckedProcess,
  TcpTarget,
  Signal,
  SignalName,
  ByteSize,
  LogfilePath,
  LogLevelName,
  RotationInterval,
  EnvironmentInput,
  Duration,
  DurationUnit,
} from './config/index.js';
export { parseDuration } from './config/index.js';
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
  HealthcheckConfig,
} from './config/types.js';
export type { FcgiSocketConfig, FcgiAddress } from './config/fcgi-socket.js';
export type { LineStampFormat } from './logging/line-stamps.js';
export type { Snapshot, BackoffPolicy } from './core/machine.js';
