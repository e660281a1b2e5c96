/**
 * What a method of the wire is: its parameters and what it does with a {@link CallContext}.
 * @module
 */
import type { Supervisor } from '../../supervisor/supervisor.js';
import { XmlRpcFault } from '../faults.js';
import type { ParamSpec } from '../params.js';
import type { XmlRpcValue } from '../values.js';

/** What a method is given besides its arguments. */
export interface CallContext {
  /** The supervisor served. */
  readonly sup: Supervisor;
  /** What `getSupervisorVersion` answers. */
  readonly supervisorVersion: string;
  /**
   * Runs `action` once the response has been sent (or the client has gone): `shutdown` and `restart` answer
   * `true` first, as supervisord does by changing its mood and acting on it in the next turn of its loop.
   */
  after(action: () => Promise<unknown>): void;
  /** Calls another method by name, as `system.multicall` does. */
  call(method: string, params: readonly XmlRpcValue[]): Promise<XmlRpcValue>;
}

/** One method of a namespace. */
export interface MethodDef {
  /** Its parameters, in order. */
  readonly params: readonly ParamSpec[];
  /** Runs it with checked arguments; a rejection is turned into a fault (faults.ts `toFault`). */
  call(ctx: CallContext, args: readonly unknown[]): Promise<XmlRpcValue>;
}

/**
 * supervisord's `_update` check, for the methods the library does not check itself: SHUTDOWN_STATE unless
 * the supervisor is RUNNING (it is not while it restarts or shuts down).
 */
export async function checkRunning(sup: Supervisor): Promise<void> {
  if ((await sup.getState()).statename !== 'RUNNING') throw XmlRpcFault.of('SHUTDOWN_STATE');
}

export const STRING: ParamSpec = { kind: 'string' };
export const INT: ParamSpec = { kind: 'int' };
export const WAIT: ParamSpec = { kind: 'boolean', optional: true };
export const SIGNAL: ParamSpec = { kind: 'signal' };
