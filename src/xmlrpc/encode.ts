/**
 * Writes XML-RPC responses the way Python's `xmlrpc.client.dumps` does for supervisord (`xmlrpc.py
 * xmlrpc_marshal`): the same elements, line breaks and escapes, so a client sees supervisord's bytes.
 * @module
 */
import { isStruct, type XmlRpcValue } from './values.js';

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/**
 * Text as XML character data. Python escapes `&`, `<` and `>`; procvisor also writes `\r` as `&#13;` (a bare
 * one reaches the client as `\n`, XML's line-end rule) and replaces what XML 1.0 cannot carry at all (control
 * characters such as the ESC of ANSI colours, lone surrogates, U+FFFE/U+FFFF) with U+FFFD: supervisord
 * writes them as they are, and every XML parser, its own client's included, then rejects the whole response.
 */
export function escapeText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;')
    .replace(
      // eslint-disable-next-line no-control-regex
      /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      '\uFFFD',
    );
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** Appends one `<value>` to `out`. Integers in XML-RPC's 32-bit range are `<int>`, other numbers `<double>`. */
function value(v: XmlRpcValue | undefined, out: string[]): void {
  if (v === null || v === undefined) {
    out.push('<value><nil/></value>');
  } else if (typeof v === 'string') {
    out.push('<value><string>', escapeText(v), '</string></value>\n');
  } else if (typeof v === 'boolean') {
    out.push('<value><boolean>', v ? '1' : '0', '</boolean></value>\n');
  } else if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= INT_MIN && v <= INT_MAX)
      out.push('<value><int>', String(v), '</int></value>\n');
    else out.push('<value><double>', doubleText(v), '</double></value>\n');
  } else if (v instanceof Date) {
    const d = `${v.getUTCFullYear()}${two(v.getUTCMonth() + 1)}${two(v.getUTCDate())}`;
    const t = `${two(v.getUTCHours())}:${two(v.getUTCMinutes())}:${two(v.getUTCSeconds())}`;
    out.push('<value><dateTime.iso8601>', d, 'T', t, '</dateTime.iso8601></value>\n');
  } else if (v instanceof Uint8Array) {
    out.push(
      '<value><base64>\n',
      Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'),
      '\n</base64></value>\n',
    );
  } else if (Array.isArray(v)) {
    out.push('<value><array><data>\n');
    for (const item of v as readonly XmlRpcValue[]) value(item, out);
    out.push('</data></array></value>\n');
  } else if (isStruct(v)) {
    out.push('<value><struct>\n');
    for (const [k, member] of Object.entries(v)) {
      // An absent optional field is left out, as a Python dict would not have the key.
      if (member === undefined) continue;
      out.push('<member>\n<name>', escapeText(k), '</name>\n');
      value(member, out);
      out.push('</member>\n');
    }
    out.push('</struct></value>\n');
  }
}

/** Python's repr() of a float, as far as a client reads it back the same: `1.0`, `inf`, `nan`. */
function doubleText(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return Number.isInteger(v) && Math.abs(v) < 1e16 ? `${v}.0` : String(v);
}

const HEAD = "<?xml version='1.0'?>\n<methodResponse>\n";

/** A `<methodResponse>` carrying one value. */
export function encodeResponse(result: XmlRpcValue): string {
  const out = [HEAD, '<params>\n<param>\n'];
  value(result, out);
  out.push('</param>\n</params>\n</methodResponse>\n');
  return out.join('');
}

/** A `<methodResponse>` carrying a fault, as `xmlrpclib.dumps(Fault(code, string))`. */
export function encodeFault(faultCode: number, faultString: string): string {
  const out = [HEAD, '<fault>\n'];
  value({ faultCode, faultString }, out);
  out.push('</fault>\n</methodResponse>\n');
  return out.join('');
}

/** A `<methodCall>` (for tests and clients written in Node). */
export function encodeCall(method: string, params: readonly XmlRpcValue[]): string {
  const out = [
    "<?xml version='1.0'?>\n<methodCall>\n<methodName>",
    escapeText(method),
    '</methodName>\n<params>\n',
  ];
  for (const p of params) {
    out.push('<param>\n');
    value(p, out);
    out.push('</param>\n');
  }
  out.push('</params>\n</methodCall>\n');
  return out.join('');
}
