/**
 * XML-RPC faults: supervisord's `RPCError(code, extra)` (`xmlrpc.py`), whose faultString is `NAME` or
 * `NAME: extra`, and how the library's errors become one.
 * @module
 */
import { ConfigError, Faults, SupervisorError, type FaultName } from '../errors.js';

/** A fault to answer with: `<fault>` with faultCode and faultString. */
export class XmlRpcFault extends Error {
  override readonly name = 'XmlRpcFault';

  /** A fault with supervisord's number and string. */
  constructor(
    /** supervisord's fault number. */
    readonly faultCode: number,
    /** `NAME` or `NAME: detail`. */
    readonly faultString: string,
  ) {
    super(faultString);
  }

  /** supervisord's `RPCError(Faults.NAME, extra)`. */
  static of(name: FaultName, extra?: string): XmlRpcFault {
    return new XmlRpcFault(Faults[name], extra === undefined ? name : `${name}: ${extra}`);
  }
}

/**
 * What a reread failure says: the parse messages, without the `file:line` our own errors put first; for an
 * INI file only supervisord's first (it stops there; procvisor's ConfigError lists the others too).
 */
export function cantReread(err: ConfigError): XmlRpcFault {
  const messages = err.issues
    .slice(0, err.wireIssues)
    .map((i) => i.message)
    .filter((m) => m !== '');
  return XmlRpcFault.of('CANT_REREAD', messages.length ? messages.join('\n') : err.text);
}

/**
 * The fault for an error a method threw, or null for an internal error (answered with HTTP 500, as
 * supervisord does for an exception that is not an RPCError). A TypeError is a bad argument: supervisord
 * turns the TypeError of a call with the wrong arguments into INCORRECT_PARAMETERS.
 */
export function toFault(err: unknown): XmlRpcFault | null {
  if (err instanceof XmlRpcFault) return err;
  if (err instanceof ConfigError) return cantReread(err);
  if (err instanceof SupervisorError) {
    // WAIT_FAILED is procvisor's own: a wait ended because the group was removed under it.
    if (err.code === 'WAIT_FAILED') return XmlRpcFault.of('FAILED', err.text);
    // faultString, not message: a hint (e.g. BAD_NAME's process names) is procvisor's, not supervisord's.
    return new XmlRpcFault(err.faultCode, err.faultString);
  }
  if (err instanceof TypeError) return XmlRpcFault.of('INCORRECT_PARAMETERS');
  return null;
}
