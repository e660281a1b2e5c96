/**
 * User lookup for `user=`, from the passwd and group databases (Node has no getpwnam).
 * @module
 */
import { readFileSync } from 'node:fs';

/** A user's ids. */
export interface UserIds {
  readonly uid: number;
  readonly gid: number;
  readonly name: string | null;
}

function readDb(path: string): string[][] {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(':'));
  } catch {
    return [];
  }
}

/** Looks up a user by name or numeric uid (`datatypes.py name_to_uid`); null if unknown. */
export function lookupUser(user: string | number): UserIds | null {
  const text = String(user).trim();
  const rows = readDb('/etc/passwd');
  const numeric = /^\d+$/.test(text);
  for (const r of rows) {
    if (numeric ? r[2] === text : r[0] === text) {
      return { uid: Number(r[2]), gid: Number(r[3]), name: r[0] ?? null };
    }
  }
  return null;
}

/**
 * The groups a process of this user gets, as supervisord's `drop_privileges` sets them: the primary group
 * plus every group that lists the user as a member.
 */
export function userGroups(uid: number, gid: number): number[] {
  const name = readDb('/etc/passwd').find((r) => r[2] === String(uid))?.[0];
  const groups = new Set<number>([gid]);
  if (name) {
    for (const r of readDb('/etc/group')) {
      if ((r[3] ?? '').split(',').includes(name)) groups.add(Number(r[2]));
    }
  }
  return [...groups];
}
