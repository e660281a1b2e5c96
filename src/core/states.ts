/**
 * supervisord's process and supervisor states, with their numeric codes (`supervisor/states.py`).
 * This module imports nothing so every other module can depend on it.
 * @module
 */

/** Process state codes, exactly as supervisord numbers them. */
export const ProcessStates = {
  STOPPED: 0,
  STARTING: 10,
  RUNNING: 20,
  BACKOFF: 30,
  STOPPING: 40,
  EXITED: 100,
  FATAL: 200,
  UNKNOWN: 1000,
} as const;

/** A process state name: `'STOPPED' | 'STARTING' | ...`. */
export type ProcessStateName = keyof typeof ProcessStates;
/** A process state code: `0 | 10 | 20 | ...`. */
export type ProcessStateCode = (typeof ProcessStates)[ProcessStateName];

/** Every process state name, in code order. */
export const PROCESS_STATE_NAMES = Object.keys(ProcessStates) as readonly ProcessStateName[];

/** States in which a process is considered stopped (`states.py STOPPED_STATES`). STOPPING is not one. */
export const STOPPED_STATES: ReadonlySet<ProcessStateName> = new Set([
  'STOPPED',
  'EXITED',
  'FATAL',
  'UNKNOWN',
]);
/** States in which a process is considered running (`states.py RUNNING_STATES`). STOPPING is not one. */
export const RUNNING_STATES: ReadonlySet<ProcessStateName> = new Set(['RUNNING', 'BACKOFF', 'STARTING']);
/** States in which a process can be sent a signal (`states.py SIGNALLABLE_STATES`). */
export const SIGNALLABLE_STATES: ReadonlySet<ProcessStateName> = new Set(['RUNNING', 'STARTING', 'STOPPING']);

/** Supervisor (daemon) state codes (`states.py SupervisorStates`). */
export const SupervisorStates = {
  FATAL: 2,
  RUNNING: 1,
  RESTARTING: 0,
  SHUTDOWN: -1,
} as const;

/** A supervisor state name. */
export type SupervisorStateName = keyof typeof SupervisorStates;
/** A supervisor state code. */
export type SupervisorStateCode = (typeof SupervisorStates)[SupervisorStateName];
