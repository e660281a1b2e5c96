/**
 * An output event's payload parts (the header text, then the data as read when decoding and encoding it
 * again changes nothing) encode to exactly the bytes of `serialize()`, the payload supervisord sends
 * (`events.py ProcessCommunicationEvent.payload`): valid and invalid UTF-8, a leading byte order mark, empty
 * data.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeData,
  ProcessCommunicationEvent,
  ProcessLogEvent,
  type OutputEventInit,
} from '../../src/events/events.js';
import { PROPERTY_SEED, propertyRuns } from '../helpers/property-checks.js';
import { hasSupervisordPython, runPython } from '../logging/supervisord-python.js';

const BOM = [0xef, 0xbb, 0xbf];

function encodePayload(event: ProcessLogEvent | ProcessCommunicationEvent): Buffer {
  const { text, bytes } = event._payloadParts();
  return Buffer.concat([Buffer.from(text, 'utf8'), bytes ?? new Uint8Array(0)]);
}

function both(data: Uint8Array, channel: 'stdout' | 'stderr' = 'stdout') {
  const init: OutputEventInit = { processName: 'wörker', groupName: 'g', pid: 42, channel, data };
  return [new ProcessLogEvent(init), new ProcessCommunicationEvent(init)];
}

describe('payload parts', () => {
  it('are the bytes of serialize(), for any data', () => {
    const data = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.string({ unit: 'binary', maxLength: 32 }).map((s) => new Uint8Array(Buffer.from(s, 'utf8'))),
      fc.uint8Array({ maxLength: 16 }).map((b) => new Uint8Array([...BOM, ...b])),
    );
    fc.assert(
      fc.property(data, fc.constantFrom('stdout' as const, 'stderr' as const), (bytes, channel) => {
        for (const event of both(bytes, channel)) {
          expect(encodePayload(event)).toEqual(Buffer.from(event.serialize(), 'utf8'));
        }
      }),
      { seed: PROPERTY_SEED, numRuns: propertyRuns(2000) },
    );
  });

  it('hand valid UTF-8 over as it is (a leading byte order mark too), and re-encode what is not', () => {
    for (const data of [Buffer.from('héllo ✓\n'), Buffer.from([...BOM, 0x61])]) {
      const [log] = both(data);
      expect(log!._payloadParts()).toEqual({
        text: 'processname:wörker groupname:g pid:42 channel:stdout\n',
        bytes: data,
      });
    }
    const [event] = both(Buffer.from([0x61, 0xff, 0x62]));
    expect(event!._payloadParts().bytes).toBeNull();
    expect(event!._payloadParts().text).toBe(event!.serialize());
  });

  it('decodeData: UTF-8 text, or Undecodable with the bytes as Python repr()s them', () => {
    expect(decodeData(Buffer.from('añb'))).toBe('añb');
    // A ' and no ": Python quotes with " and leaves the ' alone.
    expect(decodeData(Buffer.from([0x61, 0xff, 0x27, 0x5c, 0x0a]))).toBe('Undecodable: b"a\\xff\'\\\\\\n"');
    expect(decodeData(Buffer.from([0x22, 0xff, 0x27]))).toBe("Undecodable: b'\"\\xff\\''");
    // The same decoder serves every call: a bad sequence leaves nothing behind for the next one.
    expect(decodeData(Buffer.from([0xe2, 0x9c]))).toBe("Undecodable: b'\\xe2\\x9c'");
    expect(decodeData(Buffer.from([0x93]))).toBe("Undecodable: b'\\x93'");
    expect(decodeData(Buffer.from('✓'))).toBe('✓');
    // Python's 'utf-8' codec keeps a leading byte order mark (only 'utf-8-sig' drops it).
    expect(decodeData(Buffer.from([...BOM, 0x61]))).toBe('\ufeffa');
  });
});

describe.runIf(hasSupervisordPython())("payloads against supervisord 4.2.5's events.py", () => {
  it('PROCESS_LOG and PROCESS_COMMUNICATION payloads are the bytes supervisord sends', () => {
    const datas = [
      Buffer.from('plain\n'),
      Buffer.from('héllo wörld ✓'),
      Buffer.from([...BOM, 0x62, 0x0a]),
      Buffer.from([0x61, 0xff, 0x0a, 0x27, 0x5c]),
      Buffer.from([0xe2, 0x9c]),
      Buffer.from([0x22, 0xff, 0x27]),
      Buffer.from([...Array.from({ length: 32 }, (_, i) => i), 0x7f, 0x80, 0xff]),
      Buffer.alloc(0),
    ];
    const theirs = runPython<string[]>(
      `
import sys, json, base64
from supervisor import events
class Config: name = 'w\u00f6rker'
class GroupConfig: name = 'g'
class Group: config = GroupConfig()
class Proc:
    config = Config()
    group = Group()
    pid = 42
out = []
for item in json.load(sys.stdin):
    data = base64.b64decode(item)
    for cls in (events.ProcessLogStdoutEvent, events.ProcessCommunicationStderrEvent):
        out.append(base64.b64encode(cls(Proc(), 42, data).payload().encode('utf-8')).decode())
print(json.dumps(out))
`,
      datas.map((d) => d.toString('base64')),
    );
    const ours = datas.flatMap((data) => {
      const init = { processName: 'wörker', groupName: 'g', pid: 42, data } as const;
      return [
        new ProcessLogEvent({ ...init, channel: 'stdout' }),
        new ProcessCommunicationEvent({ ...init, channel: 'stderr' }),
      ].map((e) => encodePayload(e).toString('base64'));
    });
    expect(ours).toEqual(theirs);
  });
});
