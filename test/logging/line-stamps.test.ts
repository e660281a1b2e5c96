import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isoLineStamp, LineStamper } from '../../src/logging/line-stamps.js';
import { it as realIt } from '../helpers/core.js';

describe('LineStamper', () => {
  const at = (ms: number) => () => ms;

  it('stamps each line once, with the time its first byte arrived', () => {
    let now = 1000;
    const s = new LineStamper(
      (t) => `[${t.getTime()}] `,
      () => now,
    );
    const out: string[] = [];
    for (const byte of 'ab\ncd\n') {
      out.push(s.stamp(Buffer.from(byte)).toString());
      now += 10;
    }
    expect(out.join('')).toBe('[1000] ab\n[1030] cd\n');
  });

  it('stamps every line of one chunk, and leaves a partial line open', () => {
    const s = new LineStamper((t) => `${t.getTime()}|`, at(5));
    expect(s.stamp(Buffer.from('x\ny\nz')).toString()).toBe('5|x\n5|y\n5|z');
    expect(s.stamp(Buffer.from('z\n')).toString()).toBe('z\n');
    expect(s.stamp(Buffer.alloc(0)).length).toBe(0);
  });

  it('keeps the bytes: binary and UTF-8 split across chunks', () => {
    const s = new LineStamper(() => '', at(0));
    const text = Buffer.from('héllo\n\u0000\u00ff\n', 'utf8');
    const joined = Buffer.concat([s.stamp(text.subarray(0, 2)), s.stamp(text.subarray(2))]);
    expect(joined.equals(text)).toBe(true);
  });

  it('the default is ISO 8601 with milliseconds and a space', () => {
    expect(isoLineStamp(new Date(Date.UTC(2026, 11, 2, 20, 41, 7, 123)))).toBe('2026-12-02T20:41:07.123Z ');
  });
});

describe('stdoutLogTimestamps with a real child', () => {
  realIt(
    'stamps each line of the log file once, however it was written; events keep the bytes',
    async ({ supervise, tmp }) => {
      const out = join(tmp, 'out.log');
      // One byte per write for the first line, then two lines in one write.
      const script = "for c in a b; do printf $c; sleep 0.05; done; printf '\\n'; printf 'c\\nd\\n'";
      const h = supervise({
        programs: {
          t: {
            command: ['/bin/sh', '-c', script],
            startsecs: 0,
            autorestart: false,
            stdoutLogfile: out,
            stdoutLogTimestamps: true,
            stdoutEventsEnabled: true,
          },
        },
      });
      await h.sup.start();
      await h.reach('t', 'EXITED');
      await h.sup.getProcess('t')?._settled();
      const lines = readFileSync(out, 'utf8').split('\n');
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(3);
      const stamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (.*)$/;
      expect(lines.map((l) => stamp.exec(l)?.[1])).toEqual(['ab', 'c', 'd']);
      expect(h.output('t')).toBe('ab\nc\nd\n');
    },
  );
});

describe('stdoutLogTimestamps and capture mode', () => {
  realIt(
    'a capture-mode block is never altered; the lines around it are stamped',
    async ({ supervise, tmp }) => {
      const out = join(tmp, 'cap.log');
      const script = "printf 'x\\n<!--XSUPERVISOR:BEGIN-->body\\nmore<!--XSUPERVISOR:END-->y\\n'";
      const h = supervise({
        programs: {
          c: {
            command: ['/bin/sh', '-c', script],
            startsecs: 0,
            autorestart: false,
            stdoutLogfile: out,
            stdoutCaptureMaxbytes: '1KB',
            stdoutLogTimestamps: () => 'T ',
          },
        },
      });
      const blocks: string[] = [];
      h.sup.on('PROCESS_COMMUNICATION_STDOUT', (e) => blocks.push(Buffer.from(e.data).toString()));
      await h.sup.start();
      await h.reach('c', 'EXITED');
      await h.sup.getProcess('c')!._settled();
      expect(blocks).toEqual(['body\nmore']);
      expect(readFileSync(out, 'utf8')).toBe('T x\nT y\n');
    },
  );
});
