/**
 * Finds and calls a method by its dotted name, as supervisord's `xmlrpc.py traverse` does: exactly two
 * parts, the second not starting with `_`, else UNKNOWN_METHOD; the wrong number or kind of arguments is
 * INCORRECT_PARAMETERS.
 * @module
 */
import { toFault, XmlRpcFault } from './faults.js';
import { DAEMON_METHODS } from './methods/supervisor-daemon.js';
import { PROCESS_METHODS } from './methods/supervisor-process.js';
import { SYSTEM_METHODS } from './methods/system.js';
import type { CallContext, MethodDef } from './methods/types.js';
import { checkParams } from './params.js';
import type { XmlRpcValue } from './values.js';

function namespace(name: string, methods: Readonly<Record<string, MethodDef>>): [string, MethodDef][] {
  return Object.entries(methods).map(([method, def]) => [`${name}.${method}`, def]);
}

/** Every method, by its full name. A Map, so `supervisor.constructor` or `__proto__` names nothing. */
export const METHODS: ReadonlyMap<string, MethodDef> = new Map([
  ...namespace('supervisor', DAEMON_METHODS),
  ...namespace('supervisor', PROCESS_METHODS),
  ...namespace('system', SYSTEM_METHODS),
]);

/**
 * Calls `method`. Resolves with its value; rejects with an {@link XmlRpcFault}, or with any other error for
 * an internal failure (which the HTTP layer answers with 500).
 */
export async function dispatch(
  ctx: CallContext,
  method: string,
  params: readonly XmlRpcValue[],
): Promise<XmlRpcValue> {
  const parts = method.split('.');
  const def = parts.length === 2 && !parts[1]!.startsWith('_') ? METHODS.get(method) : undefined;
  if (!def) throw XmlRpcFault.of('UNKNOWN_METHOD');
  const args = checkParams(def.params, params);
  try {
    return await def.call(ctx, args);
  } catch (err) {
    throw toFault(err) ?? err;
  }
}
