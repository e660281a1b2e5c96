/**
 * The XML-RPC mapping: requests read as supervisord reads them (strict where it would misread), responses
 * written byte for byte as Python's xmlrpc.client writes them, and property tests over arbitrary values and
 * arbitrary bytes (a fixed seed).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, SupervisorError, WaitTimeoutError } from '../../src/errors.js';
import {
  CallDecoder,
  XmlRpcDecodeError,
  encodeCall,
  encodeFault,
  encodeResponse,
  XmlRpcFault,
} from '../../src/xmlrpc/index.js';
import type { XmlRpcValue } from '../../src/xmlrpc/index.js';
import { escapeText } from '../../src/xmlrpc/encode.js';
import { toFault } from '../../src/xmlrpc/faults.js';
import { getTags, methodSignature } from '../../src/xmlrpc/introspection.js';
import { checkParams } from '../../src/xmlrpc/params.js';
import { wholeCharacters } from '../../src/xmlrpc/tail-follow.js';
import { PROPERTY_SEED, propertyRuns } from '../helpers/property-checks.js';
import { haveClients, python } from './clients.js';

function decode(xml: string | Buffer, maxDepth = 32) {
  const decoder = new CallDecoder({ maxDepth });
  decoder.write(typeof xml === 'string' ? Buffer.from(xml) : xml);
  return decoder.end();
}

const call = (params: string) =>
  `<?xml version="1.0"?><methodCall><methodName>m.x</methodName><params>${params}</params></methodCall>`;
const param = (value: string) => decode(call(`<param><value>${value}</value></param>`)).params[0];

describe('reading a methodCall', () => {
  it('reads every XML-RPC type', () => {
    expect(param('<int>42</int>')).toBe(42);
    expect(param('<i4> -7 </i4>')).toBe(-7);
    expect(param('<i8>9007199254740991</i8>')).toBe(9007199254740991);
    expect(param('<boolean>1</boolean>')).toBe(true);
    expect(param('<boolean>0</boolean>')).toBe(false);
    expect(param('<string> a &amp; b </string>')).toBe(' a & b ');
    expect(param('<string/>')).toBe('');
    expect(param(' untyped ')).toBe(' untyped ');
    expect(param('')).toBe('');
    expect(param('<double>1.5</double>')).toBe(1.5);
    expect(param('<double>-inf</double>')).toBe(-Infinity);
    expect(param('<double>nan</double>')).toBeNaN();
    expect(param('<dateTime.iso8601>20240102T03:04:05</dateTime.iso8601>')).toEqual(
      new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
    );
    expect(param('<base64>aGk=\n</base64>')).toEqual(new Uint8Array([104, 105]));
    expect(param('<nil/>')).toBeNull();
    expect(param('<array><data><value><int>1</int></value><value>x</value></data></array>')).toEqual([
      1,
      'x',
    ]);
    expect(param('<array><data/></array>')).toEqual([]);
    const struct = param(
      '<struct><member><name>__proto__</name><value>p</value></member><member><name>k</name><value><int>2</int></value></member></struct>',
    ) as Record<string, XmlRpcValue>;
    expect(Object.getPrototypeOf(struct)).toBeNull();
    expect({ ...struct }).toEqual({ ['__proto__']: 'p', k: 2 });
    expect(param('<![CDATA[<raw>]]>')).toBe('<raw>');
  });

  it('takes the method name as written, and no params as none', () => {
    expect(decode('<methodCall><methodName> a.b </methodName></methodCall>')).toEqual({
      method: ' a.b ',
      params: [],
    });
    expect(
      decode('<methodCall>\n  <methodName>a.b</methodName>\n  <params>\n  </params>\n</methodCall>').params,
    ).toEqual([]);
  });

  it.each([
    ['not xml', 'not xml'],
    ['no method name', '<methodCall><params/></methodCall>'],
    ['an empty method name', '<methodCall><methodName/></methodCall>'],
    ['two method names', '<methodCall><methodName>a</methodName><methodName>b</methodName></methodCall>'],
    ['the wrong root', '<methodResponse/>'],
    ['an unknown type', call('<param><value><i16>1</i16></value></param>')],
    ['a boolean that is not 0 or 1', call('<param><value><boolean>true</boolean></value></param>')],
    ['an int that is not one', call('<param><value><int>1.5</int></value></param>')],
    ['an int too large', call('<param><value><int>99999999999999999999</int></value></param>')],
    ['a double that is not one', call('<param><value><double>x</double></value></param>')],
    ['a bad date', call('<param><value><dateTime.iso8601>yesterday</dateTime.iso8601></value></param>')],
    ['bad base64', call('<param><value><base64>!!</base64></value></param>')],
    ['a nil with text', call('<param><value><nil>x</nil></value></param>')],
    ['two types in a value', call('<param><value><int>1</int><int>2</int></value></param>')],
    ['text beside a type', call('<param><value>x<int>1</int></value></param>')],
    ['an empty param', call('<param/>')],
    [
      'a member without a name',
      call('<param><value><struct><member><value>1</value></member></struct></value></param>'),
    ],
    [
      'two names in a member',
      call(
        '<param><value><struct><member><name>a</name><name>b</name><value/></member></struct></value></param>',
      ),
    ],
    ['an array without data', call('<param><value><array/></value></param>')],
    ['text in params', call('oops')],
    ['a DOCTYPE', '<!DOCTYPE methodCall><methodCall><methodName>a</methodName></methodCall>'],
    ['an undefined entity', '<methodCall><methodName>&x;</methodName></methodCall>'],
    ['bytes that are not UTF-8', Buffer.from([0x3c, 0xff, 0xfe])],
  ])('refuses %s', (_what, body) => {
    expect(() => decode(body)).toThrow(XmlRpcDecodeError);
  });

  it('refuses nesting deeper than the limit while it reads', () => {
    const nest = (n: number) =>
      call(`<param>${'<value><array><data>'.repeat(n)}${'</data></array></value>'.repeat(n)}</param>`);
    expect(() => decode(nest(3), 3)).not.toThrow();
    const decoder = new CallDecoder({ maxDepth: 3 });
    // The opening tags alone are refused: the rest of the body is never needed.
    expect(() => decoder.write(Buffer.from(nest(4).slice(0, nest(4).indexOf('</data>'))))).toThrow(
      /deeper than 3/,
    );
    expect(() => decoder.write(Buffer.from('more'))).not.toThrow();
    expect(() => decoder.end()).toThrow(XmlRpcDecodeError);
  });

  it('reads the same whatever the pieces the body arrives in, a UTF-8 character split included', () => {
    const body = Buffer.from(encodeCall('supervisor.sendProcessStdin', ['wébé', 'ünïcødé 🎉\n']));
    for (let cut = 1; cut < body.length; cut++) {
      const decoder = new CallDecoder({ maxDepth: 32 });
      decoder.write(body.subarray(0, cut));
      decoder.write(body.subarray(cut));
      expect(decoder.end().params).toEqual(['wébé', 'ünïcødé 🎉\n']);
    }
  });
});

/** Arbitrary values our encoder writes and our decoder reads back. */
const value: fc.Arbitrary<XmlRpcValue> = fc.letrec<{ v: XmlRpcValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ unit: 'binary' }),
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    fc.boolean(),
    fc.double({ noNaN: true }).filter((d) => !Number.isInteger(d) || Math.abs(d) >= 2 ** 31),
    fc.uint8Array({ maxLength: 20 }),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc
      .dictionary(fc.string(), tie('v'), { maxKeys: 4 })
      .map((d) => Object.assign(Object.create(null) as object, d)),
  ),
})).v;

/** What the decoder gives back for `v`: text not allowed in XML becomes U+FFFD. */
function expected(v: XmlRpcValue): unknown {
  if (typeof v === 'string') return escapedBack(v);
  if (Array.isArray(v)) return v.map(expected);
  if (v && typeof v === 'object' && !(v instanceof Uint8Array) && !(v instanceof Date)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [escapedBack(k), expected(x)]));
  }
  return v;
}
const escapedBack = (s: string) =>
  escapeText(s).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#13;/g, '\r').replace(/&amp;/g, '&');

describe('the round trip, for any value (a fixed seed)', () => {
  it('decode(encodeCall(v)) gives v back', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 3 }), (params) => {
        const decoded = decode(encodeCall('a.b', params), 64).params;
        expect(JSON.parse(JSON.stringify(decoded, replacer))).toEqual(
          JSON.parse(JSON.stringify(params.map(expected), replacer)),
        );
      }),
      { seed: PROPERTY_SEED, numRuns: propertyRuns(300) },
    );
  });

  it('any bytes: a call, or XmlRpcDecodeError, never anything else', () => {
    const good = Buffer.from(encodeCall('a.b', [[1, 'x', { k: true }]]));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(good.length), (noise, at) => {
        const body = Buffer.concat([good.subarray(0, at), noise, good.subarray(at)]);
        try {
          decode(body);
        } catch (err) {
          expect(err).toBeInstanceOf(XmlRpcDecodeError);
        }
      }),
      { seed: PROPERTY_SEED, numRuns: propertyRuns(500) },
    );
  });
});

function replacer(_key: string, v: unknown): unknown {
  if (v instanceof Uint8Array) return { bytes: [...v] };
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === null) return { ...(v as object) };
  return v;
}

describe('writing a methodResponse', () => {
  it('escapes what XML needs, and replaces what it cannot carry', () => {
    expect(escapeText('a<b>&c\r\n')).toBe('a&lt;b&gt;&amp;c&#13;\n');
    expect(escapeText('\x1b[31mred\x00 \uD800 ok \uD83C\uDF89')).toBe(
      '\uFFFD[31mred\uFFFD \uFFFD ok \uD83C\uDF89',
    );
  });

  it.skipIf(!haveClients)(
    'writes the bytes Python xmlrpc.client writes, as supervisord sends them',
    async () => {
      const value = [1, 'a<&>', true, false, 1.5, -(2 ** 31), { k: [], name: 'web', pid: 0 }, 'ünï', 3.0e9];
      const fault = encodeFault(10, 'BAD_NAME: x');
      const py = await python(
        [
          'import json, xmlrpc.client as x',
          `v = json.loads(${JSON.stringify(JSON.stringify(value))})`,
          'v[-1] = float(v[-1])',
          'print(json.dumps([x.dumps((v,), methodresponse=1), x.dumps(x.Fault(10, "BAD_NAME: x"))]))',
        ].join('\n'),
      );
      expect([encodeResponse(value), fault]).toEqual(JSON.parse(py));
    },
  );

  it('writes null as nil, bytes as base64, dates as dateTime.iso8601, and drops undefined members', () => {
    const text = encodeResponse([
      null,
      new Uint8Array([104, 105]),
      new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
      { a: 1, b: undefined } as never,
      NaN,
      Infinity,
      -Infinity,
      2 ** 53,
    ]);
    expect(text).toContain('<value><nil/></value>');
    expect(text).toContain('<value><base64>\naGk=\n</base64></value>');
    expect(text).toContain('<dateTime.iso8601>20240102T03:04:05</dateTime.iso8601>');
    expect(text).not.toContain('<name>b</name>');
    expect(text).toContain('<double>nan</double>');
    expect(text).toContain('<double>inf</double>');
    expect(text).toContain('<double>-inf</double>');
    expect(text).toContain('<double>9007199254740992.0</double>');
  });
});

describe('faults, arguments and introspection', () => {
  it('turns the library errors into supervisord faults', () => {
    expect(toFault(new SupervisorError('BAD_NAME', 'x'))).toMatchObject({
      faultCode: 10,
      faultString: 'BAD_NAME: x',
    });
    expect(toFault(new SupervisorError('SHUTDOWN_STATE'))).toMatchObject({
      faultCode: 6,
      faultString: 'SHUTDOWN_STATE',
    });
    expect(toFault(new WaitTimeoutError('gone'))).toMatchObject({
      faultCode: 30,
      faultString: 'FAILED: gone',
    });
    const parse = new ConfigError([{ path: [], message: 'bad line', file: '/x.conf', line: 3 }]);
    expect(toFault(parse)).toMatchObject({ faultCode: 92, faultString: 'CANT_REREAD: bad line' });
    expect(toFault(new TypeError('x'))).toMatchObject({ faultCode: 2, faultString: 'INCORRECT_PARAMETERS' });
    expect(toFault(new RangeError('x'))).toBeNull();
    expect(XmlRpcFault.of('NO_FILE', 'x')).toMatchObject({ faultCode: 20, faultString: 'NO_FILE: x' });
  });

  it('checks arguments as a Python call does, converting as int() and truthiness do', () => {
    const specs = [{ kind: 'string' }, { kind: 'int' }, { kind: 'boolean', optional: true }] as const;
    expect(checkParams(specs, ['a', '12', 1])).toEqual(['a', 12, true]);
    expect(checkParams(specs, [new Uint8Array([104]), 1.9])).toEqual(['h', 1]);
    for (const bad of [
      ['a'],
      ['a', 1, true, 'extra'],
      [1, 1],
      ['a', 'x'],
      ['a', 1, 'yes'],
      [new Uint8Array([0xff]), 1],
    ]) {
      expect(() => checkParams(specs, bad as XmlRpcValue[])).toThrow(XmlRpcFault);
    }
    expect(() => checkParams([{ kind: 'signal' }], [1.5])).toThrow(XmlRpcFault);
    expect(() => checkParams([{ kind: 'chars' }], [1])).toThrow(XmlRpcFault);
    expect(() => checkParams([{ kind: 'array' }], ['x'])).toThrow(XmlRpcFault);
  });

  it('reads signatures from the docstring tags', () => {
    expect(getTags('x\n  @param string name  The name\n@return boolean')).toEqual([
      { tag: 'param', datatype: 'string' },
      { tag: 'return', datatype: 'boolean' },
    ]);
    expect(methodSignature('supervisor.tailProcessLog')).toEqual(['array', 'string', 'int', 'int']);
    expect(() => methodSignature('nosuch')).toThrow(XmlRpcFault);
  });

  it('finds where a buffer stops on a whole UTF-8 character', () => {
    const text = Buffer.from('aé🎉');
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((n) => wholeCharacters(text.subarray(0, n)))).toEqual([
      0, 1, 1, 3, 3, 3, 3, 7,
    ]);
    expect(wholeCharacters(Buffer.from([0x61, 0xff]))).toBe(2);
  });
});
