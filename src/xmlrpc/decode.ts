/**
 * Reads an XML-RPC `<methodCall>` while its bytes arrive, with saxes (a streaming, strictly conforming XML
 * parser), so a depth limit stops a deeply nested request before it is built. The value mapping is
 * supervisord's (`xmlrpc.py supervisor_xmlrpc_handler.unmarshallers`) made strict: a value that supervisord
 * would misread (`<boolean>true</boolean>` as False, `<int>1.5</int>` as an internal error) is refused.
 * @module
 */
import { SaxesParser } from 'saxes';
import type { XmlRpcStruct, XmlRpcValue } from './values.js';

/** A request that is not a well-formed XML-RPC call (HTTP 400). */
export class XmlRpcDecodeError extends Error {
  override readonly name = 'XmlRpcDecodeError';
}

/** The call a request body holds. */
export interface DecodedCall {
  /** The `<methodName>`, as written (not trimmed, as in supervisord). */
  readonly method: string;
  /** The `<param>` values, in order; empty without `<params>`. */
  readonly params: XmlRpcValue[];
}

/** Limits on what one request may hold. */
export interface DecodeLimits {
  /** How deeply arrays and structs may nest inside one parameter. */
  readonly maxDepth: number;
}

const SCALARS = new Set([
  'i4',
  'int',
  'i8',
  'boolean',
  'string',
  'double',
  'dateTime.iso8601',
  'base64',
  'nil',
]);

/** Which elements may appear inside which ('' is the document). */
const CHILDREN: Readonly<Record<string, ReadonlySet<string>>> = {
  '': new Set(['methodCall']),
  methodCall: new Set(['methodName', 'params']),
  params: new Set(['param']),
  param: new Set(['value']),
  value: new Set([...SCALARS, 'struct', 'array']),
  struct: new Set(['member']),
  member: new Set(['name', 'value']),
  array: new Set(['data']),
  data: new Set(['value']),
};

/** Elements whose text matters; elsewhere only whitespace may stand between elements. */
const TEXTUAL = new Set(['methodName', 'name', 'value', ...SCALARS]);

interface Frame {
  readonly tag: string;
  text: string;
  /** The values of the elements inside (value, param, data, member's value, array's data, params). */
  readonly values: XmlRpcValue[];
  /** A member's name, the methodName. */
  name?: string;
  /** How many child elements it had. */
  children: number;
}

const fail = (message: string): never => {
  throw new XmlRpcDecodeError(message);
};

/**
 * Decodes one call from bytes written in pieces. `write()` throws {@link XmlRpcDecodeError} as soon as the
 * document is known to be bad; after that, further writes are ignored and `end()` throws it again.
 */
export class CallDecoder {
  readonly #parser = new SaxesParser({ position: false });
  readonly #text = new TextDecoder('utf-8', { fatal: true });
  readonly #limits: DecodeLimits;
  readonly #stack: Frame[] = [{ tag: '', text: '', values: [], children: 0 }];
  #nesting = 0;
  #method: string | undefined;
  #params: XmlRpcValue[] | undefined;
  #error: XmlRpcDecodeError | null = null;

  /**
   * A decoder for one call.
   * @param limits - the body's nesting and size bounds
   */
  constructor(limits: DecodeLimits) {
    this.#limits = limits;
    const p = this.#parser;
    p.on('error', (err) => fail(err.message));
    p.on('doctype', () => fail('a DOCTYPE is not allowed'));
    p.on('opentag', (tag) => this.#open(tag));
    p.on('closetag', (tag) => this.#close(tag));
    p.on('text', (text) => this.#addText(text));
    p.on('cdata', (text) => this.#addText(text));
  }

  /** Feeds the next bytes of the body. */
  write(chunk: Uint8Array): void {
    if (this.#error) return;
    this.#guard(() => this.#parser.write(this.#utf8(chunk)));
  }

  #utf8(chunk?: Uint8Array): string {
    try {
      return chunk ? this.#text.decode(chunk, { stream: true }) : this.#text.decode();
    } catch {
      return fail('the body is not UTF-8');
    }
  }

  /** The call, once the whole body was written. */
  end(): DecodedCall {
    if (!this.#error) {
      this.#guard(() => {
        this.#parser.write(this.#utf8());
        this.#parser.close();
      });
    }
    if (this.#error) throw this.#error;
    // supervisord answers 400 when there is no method name, or it is empty.
    if (!this.#method) fail('no method name');
    return { method: this.#method!, params: this.#params ?? [] };
  }

  #guard(step: () => void): void {
    try {
      step();
    } catch (err) {
      this.#error = err instanceof XmlRpcDecodeError ? err : new XmlRpcDecodeError(String(err));
      throw this.#error;
    }
  }

  get #top(): Frame {
    return this.#stack[this.#stack.length - 1]!;
  }

  #open(tag: { readonly name: string }): void {
    const parent = this.#top;
    const allowed = CHILDREN[parent.tag];
    if (!allowed?.has(tag.name)) {
      fail(`<${tag.name}> is not allowed ${parent.tag ? `inside <${parent.tag}>` : 'as the root'}`);
    }
    parent.children++;
    if (tag.name === 'struct' || tag.name === 'array') {
      if (++this.#nesting > this.#limits.maxDepth) {
        fail(`arrays and structs nest deeper than ${this.#limits.maxDepth} levels`);
      }
    }
    this.#stack.push({ tag: tag.name, text: '', values: [], children: 0 });
  }

  #addText(text: string): void {
    const top = this.#top;
    if (TEXTUAL.has(top.tag)) top.text += text;
    else if (text.trim() !== '') fail(`text is not allowed inside <${top.tag || 'the document'}>`);
  }

  #close(tag: { readonly name: string }): void {
    const frame = this.#stack.pop()!;
    const parent = this.#top;
    switch (frame.tag) {
      case 'methodCall':
        return;
      case 'methodName':
        if (this.#method !== undefined) fail('more than one <methodName>');
        this.#method = frame.text;
        return;
      case 'params':
        if (this.#params !== undefined) fail('more than one <params>');
        this.#params = frame.values;
        return;
      case 'param':
        if (frame.values.length !== 1) fail('a <param> must hold one <value>');
        parent.values.push(frame.values[0]!);
        return;
      case 'name':
        if (parent.name !== undefined) fail('a <member> has more than one <name>');
        parent.name = frame.text;
        return;
      case 'member':
        if (frame.name === undefined || frame.values.length !== 1) {
          fail('a <member> must hold one <name> and one <value>');
        }
        // The struct frame keeps its members as [name, value, name, value...] until it closes.
        parent.values.push(frame.name!, frame.values[0]!);
        return;
      case 'struct':
        this.#nesting--;
        parent.values.push(toStruct(frame.values));
        return;
      case 'data':
        parent.values.push(frame.values);
        return;
      case 'array':
        this.#nesting--;
        if (frame.values.length !== 1) fail('an <array> must hold one <data>');
        parent.values.push(frame.values[0]!);
        return;
      case 'value':
        if (frame.children > 1) fail('a <value> must hold one type');
        if (frame.children === 1 && frame.text.trim() !== '') fail('a <value> holds both text and a type');
        // An untyped value is a string (whitespace kept, as in XML-RPC).
        parent.values.push(frame.children === 1 ? frame.values[0]! : frame.text);
        return;
      default:
        parent.values.push(scalar(tag.name, frame.text));
    }
  }
}

function toStruct(pairs: readonly XmlRpcValue[]): XmlRpcStruct {
  // No prototype: a member named __proto__ or constructor is an ordinary member.
  const out = Object.create(null) as Record<string, XmlRpcValue>;
  for (let i = 0; i < pairs.length; i += 2) out[pairs[i] as string] = pairs[i + 1]!;
  return out;
}

const INT = /^[+-]?\d+$/;
const DOUBLE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL_DOUBLE = /^([+-]?)(inf|infinity|nan)$/i;
const DATETIME = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A scalar element's value. */
function scalar(type: string, text: string): XmlRpcValue {
  const t = text.trim();
  switch (type) {
    case 'i4':
    case 'int':
    case 'i8': {
      if (!INT.test(t)) return fail(`<${type}>${t}</${type}> is not an integer`);
      const n = Number(t);
      if (!Number.isSafeInteger(n)) return fail(`<${type}>${t}</${type}> is too large`);
      return n;
    }
    case 'boolean':
      if (t === '1') return true;
      if (t === '0') return false;
      return fail(`<boolean>${t}</boolean> is not 0 or 1`);
    case 'string':
      return text;
    case 'double': {
      if (DOUBLE.test(t)) return Number(t);
      const special = SPECIAL_DOUBLE.exec(t);
      if (!special) return fail(`<double>${t}</double> is not a number`);
      if (special[2]!.toLowerCase() === 'nan') return NaN;
      return special[1] === '-' ? -Infinity : Infinity;
    }
    case 'dateTime.iso8601': {
      const m = DATETIME.exec(t);
      const date = m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : null;
      if (!date || Number.isNaN(date.getTime()))
        return fail(`<dateTime.iso8601>${t}</dateTime.iso8601> is not a date`);
      return date;
    }
    case 'base64': {
      const compact = t.replace(/\s+/g, '');
      if (compact.length % 4 === 1 || !BASE64.test(compact)) return fail('<base64> is not base64');
      return new Uint8Array(Buffer.from(compact, 'base64'));
    }
    default: // nil
      if (t !== '') return fail('<nil/> must be empty');
      return null;
  }
}
