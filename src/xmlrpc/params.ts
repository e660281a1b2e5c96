/**
 * The arguments of a call, checked as Python checks a call to supervisord's methods: too few or too many is
 * INCORRECT_PARAMETERS (`xmlrpc.py traverse` turns the TypeError into it). Where supervisord would go on
 * with a wrong type and fail with HTTP 500 (a name that is a number, an offset that is a word), procvisor
 * answers INCORRECT_PARAMETERS too.
 * @module
 */
import { XmlRpcFault } from './faults.js';
import type { XmlRpcValue } from './values.js';

/** What a parameter accepts. */
export type ParamKind =
  /** a string (base64 bytes are decoded as UTF-8) */
  | 'string'
  /** an integer; a double is truncated and a numeric string read, as Python's `int()` does */
  | 'int'
  /** a boolean, or a number (0 is false), as Python's truthiness of what xmlrpclib sends */
  | 'boolean'
  /** a signal, by name or number (string or int) */
  | 'signal'
  /** a string or bytes */
  | 'chars'
  /** an array */
  | 'array';

/** One parameter: its kind, and whether it may be left out (supervisord's `wait=True`). */
export interface ParamSpec {
  readonly kind: ParamKind;
  readonly optional?: boolean;
}

const bad = (): never => {
  throw XmlRpcFault.of('INCORRECT_PARAMETERS');
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

function coerce(kind: ParamKind, v: XmlRpcValue): unknown {
  switch (kind) {
    case 'string':
      if (typeof v === 'string') return v;
      if (v instanceof Uint8Array) {
        try {
          return utf8.decode(v);
        } catch {
          return bad();
        }
      }
      return bad();
    case 'int':
      if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
      if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v) && Number.isSafeInteger(Number(v)))
        return Number(v);
      return bad();
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (typeof v === 'number') return v !== 0;
      return bad();
    case 'signal':
      if (typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v))) return v;
      return bad();
    case 'chars':
      if (typeof v === 'string' || v instanceof Uint8Array) return v;
      return bad();
    case 'array':
      return Array.isArray(v) ? v : bad();
  }
}

/** Checks `params` against `specs`; the values converted, one per spec given. */
export function checkParams(specs: readonly ParamSpec[], params: readonly XmlRpcValue[]): unknown[] {
  const required = specs.filter((s) => !s.optional).length;
  if (params.length < required || params.length > specs.length) bad();
  return params.map((v, i) => coerce(specs[i]!.kind, v));
}
