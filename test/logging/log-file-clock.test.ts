/**
 * LogFile's pause after a write error runs on its Clock: with a ManualClock the file is reopened when the
 * clock has moved RETRY_MS, not when real time has. (Kept here with the other clock-seam tests until
 * test/logging/ exists.)
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { LogFile, RETRY_MS, type LogFileEvents } from '../../src/logging/log-file.js';

describe.runIf(process.platform === 'linux')('LogFile with a ManualClock', () => {
  it('drops output for RETRY_MS of clock time after a write error, then reopens', async () => {
    const errors: string[] = [];
    const recovered: number[] = [];
    const events: LogFileEvents = {
      error: (e) => errors.push((e as NodeJS.ErrnoException).code ?? e.message),
      recovered: (n) => recovered.push(n),
      drain: () => {},
    };
    const clock = new ManualClock();
    // /dev/full accepts open() and fails every write with ENOSPC: a full disk.
    const file = LogFile.open('/dev/full', { maxbytes: 0, backups: 0, clock }, events);
    file.write(Buffer.from('one\n'));
    await file.flushed();
    expect(errors).toEqual(['ENOSPC']);

    clock.advance(RETRY_MS - 1);
    file.write(Buffer.from('two\n')); // still within the pause: dropped, no reopen
    await file.flushed();
    expect(file.failed).toBe(true);
    expect(recovered).toEqual([]);

    clock.advance(1);
    file.write(Buffer.from('three\n')); // the pause is over: reopen, report the loss, try again
    await file.flushed();
    expect(recovered).toEqual([4]);
    expect(errors).toEqual(['ENOSPC', 'ENOSPC']);
    await file.close();
  });
});
