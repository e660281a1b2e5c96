/**
 * UserDirectory: the passwd and group files read once, NSS (getent) asked for the rest, and the groups a
 * child gets as supervisord's `drop_privileges` computes them (`options.py`). Files and getent are fakes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lookupUser, runGetent, UserDirectory, type GetentRunner } from '../../src/platform/users.js';

const PASSWD = `root:x:0:0:root:/root:/bin/bash
# a comment line
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash
bob:x:1001:100::/home/bob:/bin/sh
alice:x:2000:2000:a second alice, never seen:/nowhere:/bin/sh
broken:x:notanumber:1::/:/bin/sh

`;

const GROUP = `root:x:0:
users:x:100:alice
wheel:x:10:alice,bob
alice:x:1000:
docker:x:999:bob,carol
`;

const NSS_PASSWD: Record<string, string> = {
  carol: 'carol:*:5000:5000:Carol (LDAP):/home/carol:/bin/zsh\n',
  '5000': 'carol:*:5000:5000:Carol (LDAP):/home/carol:/bin/zsh\n',
};
const NSS_GROUP = `${GROUP}ldap-devs:*:6000:carol,dave\ncarol:*:5000:\n`;

let dir: string;
let passwdPath: string;
let groupPath: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'procvisor-users-'));
  passwdPath = join(dir, 'passwd');
  groupPath = join(dir, 'group');
  writeFileSync(passwdPath, PASSWD);
  writeFileSync(groupPath, GROUP);
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A fake getent that answers from the tables above and records its calls. */
function fakeGetent(): { run: GetentRunner; calls: string[] } {
  const calls: string[] = [];
  const run: GetentRunner = (database, key) => {
    calls.push(key === undefined ? database : `${database} ${key}`);
    if (database === 'group') return Promise.resolve(key === undefined ? NSS_GROUP : null);
    return Promise.resolve((key !== undefined && NSS_PASSWD[key]) || null);
  };
  return { run, calls };
}

describe('UserDirectory', () => {
  it('finds users of the passwd file by name and by uid, with their groups', async () => {
    const users = new UserDirectory({ passwdPath, groupPath, getent: null });
    expect(await users.lookup('alice')).toEqual({
      uid: 1000,
      gid: 1000,
      name: 'alice',
      home: '/home/alice',
      groups: [1000, 100, 10],
    });
    // The primary group comes first even when the group file does not list the user in it.
    expect(await users.lookup(' bob ')).toMatchObject({ uid: 1001, gid: 100, groups: [100, 10, 999] });
    expect(await users.lookup(0)).toEqual({ uid: 0, gid: 0, name: 'root', home: '/root', groups: [0] });
    expect(await users.lookup('1')).toMatchObject({ name: 'daemon', home: '/usr/sbin', groups: [1] });
  });

  it('takes the first row of a name, and skips malformed rows', async () => {
    const users = new UserDirectory({ passwdPath, groupPath, getent: null });
    expect((await users.lookup('alice'))?.uid).toBe(1000);
    expect(await users.lookup('broken')).toBeNull();
  });

  it('asks getent for a user the passwd file does not list, and uses NSS groups for it', async () => {
    const { run, calls } = fakeGetent();
    const users = new UserDirectory({ passwdPath, groupPath, getent: run });
    const carol = { uid: 5000, gid: 5000, name: 'carol', home: '/home/carol', groups: [5000, 999, 6000] };
    expect(await users.lookup('carol')).toEqual(carol);
    expect(await users.lookup(5000)).toEqual(carol);
    expect(calls).toEqual(['passwd carol', 'group', 'passwd 5000']);
    // Users of the files never reach getent.
    await users.lookup('alice');
    expect(calls).toHaveLength(3);
  });

  it('returns null for an unknown name or uid, and asks getent only once for each', async () => {
    const { run, calls } = fakeGetent();
    const users = new UserDirectory({ passwdPath, groupPath, getent: run });
    const answers = await Promise.all([
      users.lookup('nobody-here'),
      users.lookup('nobody-here'),
      users.lookup(4242),
    ]);
    expect(answers).toEqual([null, null, null]);
    expect(await users.lookup('nobody-here')).toBeNull();
    expect(calls).toEqual(['passwd nobody-here', 'passwd 4242']);
  });

  it('ignores a getent answer for another user than the one asked', async () => {
    const liar: GetentRunner = () => Promise.resolve('root:x:0:0:root:/root:/bin/bash\n');
    const users = new UserDirectory({ passwdPath, groupPath, getent: liar });
    expect(await users.lookup('mallory')).toBeNull();
    expect(await users.lookup(31337)).toBeNull();
  });

  it('reads the files once for many lookups (later edits are not seen)', async () => {
    const users = new UserDirectory({ passwdPath, groupPath, getent: null });
    const first = await Promise.all([users.lookup('alice'), users.lookup('bob'), users.lookup(0)]);
    rmSync(passwdPath);
    rmSync(groupPath);
    expect(await Promise.all([users.lookup('alice'), users.lookup('bob'), users.lookup(0)])).toEqual(first);
    expect(await users.lookup('daemon')).toMatchObject({ uid: 1 });
  });

  it('treats a missing file as an empty database', async () => {
    const users = new UserDirectory({
      passwdPath: join(dir, 'none'),
      groupPath: join(dir, 'none'),
      getent: null,
    });
    expect(await users.lookup('root')).toBeNull();
  });

  it('answers lookupCached without I/O once it knows, and undefined before', async () => {
    const { run } = fakeGetent();
    const users = new UserDirectory({ passwdPath, groupPath, getent: run });
    expect(users.lookupCached('alice')).toBeUndefined();
    await users.lookup('root');
    // The files are read: any user they list is known now, one NSS would have to be asked about is not.
    expect(users.lookupCached('alice')).toMatchObject({ uid: 1000, groups: [1000, 100, 10] });
    expect(users.lookupCached('carol')).toBeUndefined();
    await users.lookup('carol');
    expect(users.lookupCached('carol')).toMatchObject({ uid: 5000 });
    await users.lookup('ghost');
    expect(users.lookupCached('ghost')).toBeNull();
    // Without NSS, a name the files do not list is known to be unknown.
    const filesOnly = new UserDirectory({ passwdPath, groupPath, getent: null });
    await filesOnly.lookup(0);
    expect(filesOnly.lookupCached('ghost')).toBeNull();
  });
});

describe.runIf(process.platform === 'linux')('the real databases', () => {
  it('runGetent answers for root and null for an unknown name', async () => {
    expect(await runGetent('passwd', 'root')).toMatch(/^root:[^:]*:0:0:/);
    expect(await runGetent('passwd', 'procvisor-no-such-user')).toBeNull();
    expect(await runGetent('passwd', '-x')).toBeNull();
  });

  it('UserDirectory and lookupUser agree on root', async () => {
    const root = await new UserDirectory().lookup('root');
    expect(root).toMatchObject({ uid: 0, gid: 0, name: 'root' });
    expect(lookupUser('root')).toEqual({ uid: 0, gid: 0, name: 'root' });
    expect(lookupUser(0)).toEqual({ uid: 0, gid: 0, name: 'root' });
    expect(lookupUser('procvisor-no-such-user')).toBeNull();
  });
});
