/**
 * The watchdog is held back as a shell until the run that started it is over (`src/platform/watchdog.ts`).
 * A host killed inside that run, before the watchdog heard a word, still leaves no child behind: the shell
 * sees the end of its input, becomes the watchdog, and the watchdog sweeps by owner tag.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { killQuietly, pidAlive, waitForPidGone } from '../helpers/pids.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/die-at-spawn.mjs', import.meta.url));

describe.runIf(process.platform === 'linux')('the held watchdog', () => {
  it('a host killed in the run that spawned its first child leaves no child and no watchdog', async () => {
    const host = spawn(process.execPath, [FIXTURE], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    host.stdout.setEncoding('utf8').on('data', (c: string) => (text += c));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => host.once('close', (_c, s) => resolve(s)));
    const signal = await exited;
    const child = Number(/^child (\d+)$/m.exec(text)?.[1] ?? 0);
    const [, wd = '0', argv0 = ''] = /^watchdog (\d+) (\S+)$/m.exec(text) ?? [];
    const watchdog = Number(wd);
    try {
      expect(signal).toBe('SIGKILL');
      expect(child).toBeGreaterThan(0);
      expect(watchdog).toBeGreaterThan(0);
      // Held: still the shell, not yet Node.
      expect(argv0).toBe('/bin/sh');
      await waitForPidGone(child);
      await waitForPidGone(watchdog);
      expect(pidAlive(child)).toBe(false);
    } finally {
      if (child > 0) killQuietly(child);
      if (watchdog > 0) killQuietly(watchdog);
    }
  });
});
