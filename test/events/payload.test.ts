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

  it('hand valid UTF-8 over as it is, and re-encode what the decoder changes', () => {
    const [log] = both(Buffer.from('héllo ✓\n'));
    expect(log!._payloadParts()).toEqual({
      text: 'processname:wörker groupname:g pid:42 channel:stdout\n',
      bytes: Buffer.from('héllo ✓\n'),
    });
    for (const data of [Buffer.from([0x61, 0xff, 0x62]), Buffer.from([...BOM, 0x61])]) {
      const [event] = both(data);
      expect(event!._payloadParts().bytes).toBeNull();
      expect(event!._payloadParts().text).toBe(event!.serialize());
    }
  });

  it('decodeData: UTF-8 text, or Undecodable with the bytes as Python repr()s them', () => {
    expect(decodeData(Buffer.from('añb'))).toBe('añb');
    expect(decodeData(Buffer.from([0x61, 0xff, 0x27, 0x5c, 0x0a]))).toBe("Undecodable: b'a\\xff\\'\\\\\\n'");
    // The same decoder serves every call: a bad sequence leaves nothing behind for the next one.
    expect(decodeData(Buffer.from([0xe2, 0x9c]))).toBe("Undecodable: b'\\xe2\\x9c'");
    expect(decodeData(Buffer.from([0x93]))).toBe("Undecodable: b'\\x93'");
    expect(decodeData(Buffer.from('✓'))).toBe('✓');
  });
});
