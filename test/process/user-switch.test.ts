import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from '../helpers/core.js';

// user= as root, checked against what supervisord's drop_privileges does: the user's groups (initgroups),
// and a `directory` that must be enterable by that user (supervisord changes directory after setuid).

const isRoot = process.getuid?.() === 0;
const usersWithSupplementaryGroups = (() => {
  try {
    return execFileSync('getent', ['group'], { encoding: 'utf8' })
      .split('\n')
      .flatMap((l) => (l.split(':')[3] ?? '').split(',').filter(Boolean));
  } catch {
    return [];
  }
})();

describe.skipIf(!isRoot)('user= as root', () => {
  for (const user of ['nobody', ...usersWithSupplementaryGroups.slice(0, 1)]) {
    it(`${user}: the child gets the user's uid, gid and groups, as \`id -G ${user}\` lists them`, async ({
      supervise,
    }) => {
      const expected = execFileSync('id', ['-G', user], { encoding: 'utf8' })
        .trim()
        .split(/\s+/)
        .map(Number)
        .sort();
      const h = supervise({
        programs: {
          a: {
            command: ['sh', '-c', 'echo "groups $(id -G)"; echo "uid $(id -u)"'],
            user,
            startsecs: 0,
            autorestart: false,
            stdoutEventsEnabled: true,
            stdoutLogfile: 'NONE',
            stderrLogfile: 'NONE',
            directory: '/',
          },
        },
      });
      await h.sup.start();
      const groups = (await h.waitOutput('a', /^groups (.*)$/m))[1]!.trim().split(/\s+/).map(Number).sort();
      const uid = Number((await h.waitOutput('a', /^uid (\d+)$/m))[1]);
      expect(groups).toEqual(expected);
      expect(uid).toBe(Number(execFileSync('id', ['-u', user], { encoding: 'utf8' })));
    });
  }

  it('a directory the user cannot enter: exit 127 with "couldn\'t chdir to <dir>: EACCES"', async ({
    supervise,
    onTestFinished,
  }) => {
    const dir = mkdtempSync(join(tmpdir(), 'procvisor-private-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    chmodSync(dir, 0o700);
    const h = supervise({
      programs: {
        a: {
          command: ['sleep', '100'],
          user: 'nobody',
          directory: dir,
          startsecs: 5,
          startretries: 0,
          stderrEventsEnabled: true,
          stdoutLogfile: 'NONE',
          stderrLogfile: 'NONE',
        },
      },
    });
    await h.sup.start();
    await h.reach('a', 'FATAL');
    expect(h.output('a', 'stderr')).toBe(
      `supervisor: couldn't chdir to ${dir}: EACCES\nsupervisor: child process was not spawned\n`,
    );
    expect(h.seq('a')).toEqual(['STOPPED->STARTING tries:0', 'STARTING->BACKOFF tries:1', 'BACKOFF->FATAL']);
  });
});
