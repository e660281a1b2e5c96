/**
 * resolveCommand and resolveCommandAsync against the cases of supervisord's `get_execv_args` /
 * `check_execv_args` (`process.py`, `options.py`): both must give the same file, argv, error kind and
 * message for every case.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CommandError,
  resolveCommand,
  resolveCommandAsync,
  type ResolvedCommand,
} from '../../src/platform/resolve-command.js';

let dir: string;
let bin1: string;
let bin2: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'procvisor-resolve-'));
  bin1 = join(dir, 'bin1');
  bin2 = join(dir, 'bin2');
  mkdirSync(bin1);
  mkdirSync(bin2);
  const script = (path: string, mode: number) => {
    writeFileSync(path, '#!/bin/sh\nexit 0\n');
    chmodSync(path, mode);
  };
  script(join(bin2, 'tool'), 0o755);
  // The first PATH entry that has the name wins, even when it cannot be run and a later one could.
  script(join(bin1, 'noexec'), 0o644);
  script(join(bin2, 'noexec'), 0o755);
  mkdirSync(join(bin1, 'dironly'));
  script(join(bin2, 'dironly'), 0o755);
  script(join(dir, 'owner-cannot'), 0o011);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Resolver = (
  command: string | readonly string[],
  pathEnv: string | undefined,
) => Promise<ResolvedCommand>;

const resolvers: [string, Resolver][] = [
  // Wrapped so that a synchronous throw becomes a rejection and both are asserted the same way.
  ['resolveCommand', async (command, pathEnv) => resolveCommand(command, pathEnv)],
  ['resolveCommandAsync', resolveCommandAsync],
];

describe.each(resolvers)('%s', (_name, resolve) => {
  const path = () => `${bin1}:${bin2}`;

  async function fails(command: string | readonly string[], pathEnv: string | undefined) {
    const err: unknown = await resolve(command, pathEnv).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CommandError);
    const { kind, message } = err as CommandError;
    return { kind, message };
  }

  it('uses an absolute path as given', async () => {
    expect(await resolve('/bin/sh -c true', path())).toEqual({
      file: '/bin/sh',
      argv: ['/bin/sh', '-c', 'true'],
    });
  });

  it('stats a relative path with a slash from the cwd and returns it absolute, argv[0] as written', async () => {
    const rel = relative(process.cwd(), join(bin2, 'tool'));
    expect(rel).toContain('/');
    expect(await resolve([rel, 'x'], path())).toEqual({ file: join(bin2, 'tool'), argv: [rel, 'x'] });
  });

  it('finds a bare name in the second PATH entry', async () => {
    expect(await resolve('tool --flag', path())).toEqual({
      file: join(bin2, 'tool'),
      argv: ['tool', '--flag'],
    });
  });

  it('joins like os.path.join (no doubled slash) and skips an entry that is not a directory', async () => {
    expect((await resolve('tool', `${join(bin2, 'tool')}:${bin2}/`)).file).toBe(`${bin2}/tool`);
  });

  it("searches supervisord's default PATH when there is none", async () => {
    expect((await resolve('sh', undefined)).file).toMatch(/^\/(usr\/)?bin\/sh$/);
  });

  it('reports a name found nowhere as NotFound', async () => {
    expect(await fails('no-such-tool', path())).toEqual({
      kind: 'NotFound',
      message: "can't find command 'no-such-tool'",
    });
    expect(await fails(join(dir, 'missing'), path())).toEqual({
      kind: 'NotFound',
      message: `can't find command '${join(dir, 'missing')}'`,
    });
  });

  it('takes the first PATH entry that has the name, even when it is not executable', async () => {
    expect(await fails('noexec', path())).toEqual({
      kind: 'NotExecutable',
      message: `command at '${join(bin1, 'noexec')}' is not executable`,
    });
  });

  it('takes the first PATH entry that has the name, even a directory', async () => {
    expect(await fails('dironly', path())).toEqual({
      kind: 'NotExecutable',
      message: `command at '${join(bin1, 'dironly')}' is a directory`,
    });
  });

  it.runIf(process.getuid?.() !== 0)(
    'reports a file whose execute bits exclude us as NoPermission',
    async () => {
      const file = join(dir, 'owner-cannot');
      expect(await fails(file, path())).toEqual({
        kind: 'NoPermission',
        message: `no permission to run command '${file}'`,
      });
    },
  );

  it('refuses an empty command', async () => {
    for (const command of ['', '   ', []]) {
      expect(await fails(command, path())).toEqual({ kind: 'BadCommand', message: 'command is empty' });
    }
  });

  it('splits a string like shlex.split and reports what it cannot parse', async () => {
    expect((await resolve(`"tool" 'a b' c\\ d`, path())).argv).toEqual(['tool', 'a b', 'c d']);
    expect(await fails('tool "abc', path())).toEqual({
      kind: 'BadCommand',
      message: `can't parse command 'tool "abc': No closing quotation`,
    });
  });
});

describe('resolveCommandAsync: lookups at the same moment', () => {
  it('share one answer while it is in flight, and the next start looks again', async () => {
    const path = `${bin1}:${bin2}`;
    // 50 starts at once of a program that is not there yet: one answer for all.
    const first = await Promise.all(
      Array.from({ length: 50 }, () => resolveCommandAsync('later --flag', path).catch((e: unknown) => e)),
    );
    for (const r of first) expect(r).toMatchObject({ kind: 'NotFound' });
    // Created now: the lookup that answered is settled, so a new start finds it.
    writeFileSync(join(bin2, 'later'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(bin2, 'later'), 0o755);
    const again = await Promise.all([
      resolveCommandAsync('later a', path),
      resolveCommandAsync(['later'], path),
    ]);
    expect(again.map((r) => [r.file, r.argv])).toEqual([
      [join(bin2, 'later'), ['later', 'a']],
      [join(bin2, 'later'), ['later']],
    ]);
  });

  it('keep each caller its own argv, and do not share across PATHs', async () => {
    const [a, b] = await Promise.all([
      resolveCommandAsync('noexec x', `${bin2}:${bin1}`),
      resolveCommandAsync('noexec y', `${bin1}:${bin2}`).catch((e: unknown) => e),
    ]);
    expect(a).toEqual({ file: join(bin2, 'noexec'), argv: ['noexec', 'x'] });
    expect(b).toMatchObject({ kind: 'NotExecutable' });
  });
});
