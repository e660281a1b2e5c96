/**
 * Output split inside a UTF-8 character: the line splitter works on bytes, so `waitForOutput` and readiness
 * patterns see the character whole.
 */
import { describe, expect } from 'vitest';
import { it } from '../helpers/core.js';

/** A child that writes `h\xc3`, waits, then `\xa9llo ready\n`: two reads for the host. */
const SPLIT = [
  process.execPath,
  '-e',
  `process.stdout.write(Buffer.from([0x68, 0xc3]));
   setTimeout(() => { process.stdout.write(Buffer.from([0xa9, ...Buffer.from('llo ready\\n')])); setInterval(() => {}, 1000); }, 300);`,
];

describe('output split inside a character', () => {
  it('waitForOutput matches the whole line', async ({ supervise }) => {
    const h = supervise({
      programs: { a: { command: SPLIT, startsecs: 0, stdoutLogfile: null, stderrLogfile: null } },
    });
    const line = h.sup.start().then(() => h.sup.waitForOutput('a', /héllo ready/, { timeout: 10_000 }));
    expect(await line).toBe('héllo ready');
  });

  it('a readiness pattern matches it', async ({ supervise }) => {
    const h = supervise({
      programs: {
        a: {
          command: SPLIT,
          startsecs: 0,
          stdoutLogfile: null,
          stderrLogfile: null,
          readiness: { pattern: /^héllo ready$/, timeout: '10s' },
        },
      },
    });
    await h.sup.start();
    const running = await h.reach('a', 'RUNNING');
    expect(running.fromState).toBe('STARTING');
    expect(h.sup.getProcess('a')!.state).toBe('RUNNING');
  });
});
