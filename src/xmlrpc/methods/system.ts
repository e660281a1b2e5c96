/**
 * The `system.*` namespace (`xmlrpc.py SystemNamespaceRPCInterface`): introspection and multicall.
 * @module
 */
import { Faults } from '../../errors.js';
import { XmlRpcFault } from '../faults.js';
import { methodHelp, methodSignature } from '../introspection.js';
import { METHOD_HELP } from '../method-help.js';
import { isStruct, type XmlRpcValue } from '../values.js';
import { STRING, type CallContext, type MethodDef } from './types.js';

/** A fault as multicall reports it, in place of the call's value. */
const faultStruct = (f: XmlRpcFault): XmlRpcValue => ({ faultCode: f.faultCode, faultString: f.faultString });

/**
 * One call of a multicall. Its value is the bare result, not a one-element array as the XML-RPC multicall
 * convention (and supervisord's own docstring) say: supervisord appends the value itself, and its clients
 * read it that way.
 */
async function oneCall(ctx: CallContext, call: XmlRpcValue): Promise<XmlRpcValue> {
  try {
    if (!isStruct(call)) throw XmlRpcFault.of('INCORRECT_PARAMETERS', 'a call must be a struct');
    const name = call['methodName'];
    const params = call['params'] ?? [];
    if (name === undefined) throw XmlRpcFault.of('INCORRECT_PARAMETERS', 'No methodName');
    if (name === 'system.multicall') {
      throw XmlRpcFault.of('INCORRECT_PARAMETERS', 'Recursive system.multicall forbidden');
    }
    if (typeof name !== 'string' || !Array.isArray(params)) throw XmlRpcFault.of('INCORRECT_PARAMETERS');
    return await ctx.call(name, params as readonly XmlRpcValue[]);
  } catch (err) {
    if (err instanceof XmlRpcFault) return faultStruct(err);
    // supervisord: {'faultCode': FAILED, 'faultString': 'FAILED: <type>:<message>'}.
    const text = err instanceof Error ? `${err.name}:${err.message}` : String(err);
    return faultStruct(new XmlRpcFault(Faults.FAILED, `FAILED: ${text}`));
  }
}

export const SYSTEM_METHODS: Readonly<Record<string, MethodDef>> = {
  listMethods: { params: [], call: async () => [...METHOD_HELP.keys()].sort() },
  methodHelp: { params: [STRING], call: async (_ctx, [name]) => methodHelp(name as string) },
  methodSignature: { params: [STRING], call: async (_ctx, [name]) => methodSignature(name as string) },
  multicall: {
    params: [{ kind: 'array' }],
    async call(ctx, [calls]) {
      // In order, each awaited before the next, as supervisord runs them (a deferred one included).
      const results: XmlRpcValue[] = [];
      for (const call of calls as readonly XmlRpcValue[]) results.push(await oneCall(ctx, call));
      return results;
    },
  },
};
