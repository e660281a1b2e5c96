/**
 * Rotation beyond supervisord (opt-in): by time (`*LogfileInterval`) and with gzip (`*LogfileCompress`),
 * through rotating-file-stream. Lossless as size rotation is: every byte in exactly one file, in order.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect } from 'vitest';
import { it, prog } from '../helpers/core.js';

/** The backups oldest first, then the current file: what the child wrote, in order. */
function collect(base: string, gz: boolean): { text: Buffer; rotated: number } {
  const dir = join(base, '..');
  const name = base.slice(dir.length + 1);
  const suffix = new RegExp(`^${name}\\.(\\d+)${gz ? '\\.gz' : ''}$`);
  const numbers = readdirSync(dir)
    .map((f) => suffix.exec(f)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => b - a);
  const parts = numbers.map((n) => {
    const raw = readFileSync(`${base}.${n}${gz ? '.gz' : ''}`);
    return gz ? gunzipSync(raw) : raw;
  });
  if (existsSync(base)) parts.push(readFileSync(base));
  return { text: Buffer.concat(parts), rotated: numbers.length };
}

it('gzip: 100 rotations at full speed, and the .gz backups decompress to exactly what was written', async ({
  supervise,
  tmp,
}) => {
  const input = join(tmp, 'input.bin');
  const data = randomBytes(8 << 20);
  writeFileSync(input, data);
  const out = join(tmp, 'out.log');
  const h = supervise({
    programs: {
      c: {
        command: ['cat', input],
        startsecs: 0,
        autorestart: false,
        stdoutLogfile: out,
        stdoutLogfileMaxbytes: '64KB',
        // More backups than rotations, so every byte stays on disk; each rotation looks at every backup
        // name (as supervisord's doRollover does), so not many more.
        stdoutLogfileBackups: 150,
        stdoutLogfileCompress: true,
      },
    },
  });
  await h.sup.start();
  await h.reach('c', 'EXITED', 1, 60_000);
  await h.sup.getProcess('c')!._settled();
  const { text, rotated } = collect(out, true);
  expect(rotated).toBeGreaterThanOrEqual(100);
  expect(text.equals(data)).toBe(true);
}, 90_000);

it("a '1s' interval rotates, losing nothing", async ({ supervise, tmp }) => {
  const out = join(tmp, 'tick.log');
  // 30 lines, one every 100 ms: at least two second boundaries pass while it writes.
  const script = 'i=0; while [ $i -lt 30 ]; do echo "line $i"; i=$((i+1)); sleep 0.1; done';
  const h = supervise({
    programs: {
      t: {
        command: ['/bin/sh', '-c', script],
        startsecs: 0,
        autorestart: false,
        stdoutLogfile: out,
        stdoutLogfileMaxbytes: 0,
        stdoutLogfileInterval: '1s',
      },
    },
  });
  await h.sup.start();
  await h.reach('t', 'EXITED');
  await h.sup.getProcess('t')!._settled();
  const { text, rotated } = collect(out, false);
  expect(rotated).toBeGreaterThanOrEqual(1);
  expect(text.toString()).toBe(Array.from({ length: 30 }, (_, i) => `line ${i}\n`).join(''));
});

it('rotateLogs(name) rotates now: the backups shift, gzipped with compress, and output goes to a new file', async ({
  supervise,
  tmp,
}) => {
  const out = join(tmp, 'echo.log');
  const h = supervise({
    programs: {
      e: prog(['--echo'], {
        startsecs: 0,
        stdoutLogfile: out,
        stdoutLogfileBackups: 2,
        stdoutLogfileCompress: true,
      }),
    },
  });
  await h.sup.start();
  await h.reach('e', 'RUNNING');
  const say = async (text: string) => {
    await h.sup.sendProcessStdin('e', `${text}\n`);
    await h.waitOutput('e', new RegExp(`^${text}$`, 'm'));
    await h.sup.readProcessStdoutLog('e', 0, 0); // written out
  };
  for (const word of ['one', 'two', 'three']) {
    await say(word);
    await h.sup.rotateLogs(word === 'two' ? undefined : 'e');
  }
  await say('four');
  expect(readFileSync(out, 'utf8')).toBe('four\n');
  expect(gunzipSync(readFileSync(`${out}.1.gz`)).toString()).toBe('three\n');
  expect(gunzipSync(readFileSync(`${out}.2.gz`)).toString()).toBe('two\n');
  expect(existsSync(`${out}.3.gz`)).toBe(false); // backups: 2, the oldest dropped
  await expect(h.sup.rotateLogs('nope')).rejects.toMatchObject({ code: 'BAD_NAME' });
});
