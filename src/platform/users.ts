/**
 * User lookup for `user=`, from the passwd and group databases (Node has no getpwnam).
 *
 * {@link UserDirectory} is the one for the spawn path: made once per configuration, it reads `/etc/passwd`
 * and `/etc/group` at most once, asynchronously, and asks NSS (`getent`: LDAP, SSSD, systemd-homed...) for
 * the users those files do not list, as `pwd.getpwnam` does for supervisord (`datatypes.py name_to_uid`,
 * `options.py drop_privileges`). {@link lookupUser} and {@link userGroups} are the older synchronous
 * lookups, which read the files on every call and know only what they list.
 * @module
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** A user's ids. */
export interface UserIds {
  readonly uid: number;
  readonly gid: number;
  readonly name: string | null;
}

/** A user as a {@link UserDirectory} knows it: ids, home, and the groups a process of this user gets. */
export interface UserRecord extends UserIds {
  /** The home directory (passwd field 6); null when empty. */
  readonly home: string | null;
  /**
   * The groups supervisord's `drop_privileges` sets: the primary group first, then every group that lists
   * the user (by name) as a member, each once.
   */
  readonly groups: readonly number[];
}

/**
 * Runs `getent DATABASE [KEY]` and resolves with its standard output, or null when the key is unknown or
 * getent cannot run (exit status 2, no getent on the machine, a timeout). Never rejects.
 */
export type GetentRunner = (database: 'passwd' | 'group', key?: string) => Promise<string | null>;

/** Options of a {@link UserDirectory}; the paths and the runner are seams for tests. */
export interface UserDirectoryOptions {
  /**
   * The passwd file.
   * @default '/etc/passwd'
   */
  readonly passwdPath?: string;
  /**
   * The group file.
   * @default '/etc/group'
   */
  readonly groupPath?: string;
  /**
   * Asks NSS about a user the passwd file does not list; `null` = ask nothing beyond the files.
   * @default runGetent
   */
  readonly getent?: GetentRunner | null;
}

/** How long one `getent` call may take, in ms: an unreachable directory server must not hold a start forever. */
export const GETENT_TIMEOUT_MS = 10_000;

/** The real {@link GetentRunner}: `getent` through `child_process.execFile`, never a shell. */
export const runGetent: GetentRunner = (database, key) =>
  new Promise((resolve) => {
    // `--` so that a key starting with `-` is a key, not an option of getent.
    const args = key === undefined ? [database] : [database, '--', key];
    execFile(
      'getent',
      args,
      { encoding: 'utf8', timeout: GETENT_TIMEOUT_MS, maxBuffer: 64 << 20, windowsHide: true },
      (err, stdout) => resolve(err ? null : stdout),
    );
  });

/** One passwd row: `name:password:uid:gid:gecos:home:shell`. */
interface PasswdRow {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string | null;
}

/** One group row: `name:password:gid:member,member...`. */
interface GroupRow {
  readonly gid: number;
  readonly members: readonly string[];
}

/** The rows of a colon-separated database; comment and empty lines skipped. */
function parseDb(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(':'));
}

const isId = (s: string | undefined): s is string => s !== undefined && /^\d+$/.test(s);

/** The well-formed passwd rows of `text`, in file order. */
function parsePasswd(text: string): PasswdRow[] {
  const out: PasswdRow[] = [];
  for (const r of parseDb(text)) {
    const [name, , uid, gid, , home] = r;
    if (!name || !isId(uid) || !isId(gid)) continue;
    out.push({ name, uid: Number(uid), gid: Number(gid), home: home || null });
  }
  return out;
}

/** The well-formed group rows of `text`, in file order. */
function parseGroup(text: string): GroupRow[] {
  const out: GroupRow[] = [];
  for (const r of parseDb(text)) {
    const gid = r[2];
    if (!isId(gid)) continue;
    out.push({ gid: Number(gid), members: (r[3] ?? '').split(',').filter(Boolean) });
  }
  return out;
}

/** `drop_privileges`'s list: the primary group, then the groups naming `name` as a member. */
function groupsOf(name: string | null, gid: number, groups: readonly GroupRow[]): number[] {
  const out = new Set<number>([gid]);
  if (name) for (const g of groups) if (g.members.includes(name)) out.add(g.gid);
  return [...out];
}

/** A `user=` value as a lookup key: a uid (`int(name)` succeeded) or a name. */
function keyOf(user: string | number): { uid: number } | { name: string } {
  const text = String(user).trim();
  return /^\d+$/.test(text) ? { uid: Number(text) } : { name: text };
}

interface Files {
  readonly byName: ReadonlyMap<string, PasswdRow>;
  readonly byUid: ReadonlyMap<number, PasswdRow>;
  readonly groups: readonly GroupRow[];
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return ''; // no such database: nobody is listed in it
  }
}

/** Indexes passwd rows; the first row of a name or uid wins, as `getpwnam`/`getpwuid` on a files database. */
function index(rows: readonly PasswdRow[]): Pick<Files, 'byName' | 'byUid'> {
  const byName = new Map<string, PasswdRow>();
  const byUid = new Map<number, PasswdRow>();
  for (const r of rows) {
    if (!byName.has(r.name)) byName.set(r.name, r);
    if (!byUid.has(r.uid)) byUid.set(r.uid, r);
  }
  return { byName, byUid };
}

/**
 * The users of one configuration. It reads the passwd and group files once, on the first lookup, and
 * remembers every answer (unknown users too), so a reload makes a new directory and sees edited files.
 * A name or uid the passwd file does not list is asked of NSS with `getent passwd KEY`, once; the groups of
 * such a user come from `getent group` (read once), since NSS users' groups usually live in NSS too.
 * Users the files list get their groups from the group file, as {@link userGroups} does.
 * @example
 * ```ts
 * const users = new UserDirectory();
 * const web = await users.lookup('www-data'); // { uid: 33, gid: 33, name: 'www-data', home: '/var/www', groups: [33] }
 * users.lookupCached('www-data'); // the same record, without I/O
 * ```
 */
export class UserDirectory {
  readonly #passwdPath: string;
  readonly #groupPath: string;
  readonly #getent: GetentRunner | null;
  #files: Promise<Files> | null = null;
  #loaded: Files | null = null;
  #nssGroups: Promise<readonly GroupRow[] | null> | null = null;
  /** Answers by key (`#uid` or `name`), settled or under way. */
  readonly #answers = new Map<string, Promise<UserRecord | null>>();
  readonly #settled = new Map<string, UserRecord | null>();

  constructor(options: UserDirectoryOptions = {}) {
    this.#passwdPath = options.passwdPath ?? '/etc/passwd';
    this.#groupPath = options.groupPath ?? '/etc/group';
    this.#getent = options.getent === undefined ? runGetent : options.getent;
  }

  /**
   * Looks up a user by name or numeric uid (`datatypes.py name_to_uid`); null if no database knows it.
   * Never rejects: an unreadable file counts as empty, a failing getent as "unknown".
   */
  lookup(user: string | number): Promise<UserRecord | null> {
    const key = keyOf(user);
    const k = 'uid' in key ? `#${key.uid}` : key.name;
    let answer = this.#answers.get(k);
    if (!answer) {
      answer = this.#find(key).then((record) => {
        this.#settled.set(k, record);
        return record;
      });
      this.#answers.set(k, answer);
    }
    return answer;
  }

  /**
   * The answer {@link UserDirectory.lookup} would give, if it can be given without I/O: `undefined` when
   * the files are not read yet, or the user is not in them and NSS was not asked yet.
   */
  lookupCached(user: string | number): UserRecord | null | undefined {
    const key = keyOf(user);
    const settled = this.#settled.get('uid' in key ? `#${key.uid}` : key.name);
    if (settled !== undefined) return settled;
    const files = this.#loaded;
    if (!files) return undefined;
    const row = 'uid' in key ? files.byUid.get(key.uid) : files.byName.get(key.name);
    if (row) return this.#fromFiles(row, files);
    return this.#getent ? undefined : null;
  }

  async #find(key: { uid: number } | { name: string }): Promise<UserRecord | null> {
    const files = await this.#readFiles();
    const row = 'uid' in key ? files.byUid.get(key.uid) : files.byName.get(key.name);
    if (row) return this.#fromFiles(row, files);
    if (!this.#getent) return null;
    const text = await this.#getent('passwd', 'uid' in key ? String(key.uid) : key.name);
    const nss = parsePasswd(text ?? '')[0];
    // getent answers for the key asked; check anyway, a misbehaving NSS module must not hand out root.
    if (!nss || ('uid' in key ? nss.uid !== key.uid : nss.name !== key.name)) return null;
    const groups = (await this.#readNssGroups()) ?? files.groups;
    return {
      uid: nss.uid,
      gid: nss.gid,
      name: nss.name,
      home: nss.home,
      groups: groupsOf(nss.name, nss.gid, groups),
    };
  }

  #fromFiles(row: PasswdRow, files: Files): UserRecord {
    return {
      uid: row.uid,
      gid: row.gid,
      name: row.name,
      home: row.home,
      groups: groupsOf(row.name, row.gid, files.groups),
    };
  }

  #readFiles(): Promise<Files> {
    this.#files ??= Promise.all([readText(this.#passwdPath), readText(this.#groupPath)]).then(
      ([passwd, group]) => {
        const files = { ...index(parsePasswd(passwd)), groups: parseGroup(group) };
        this.#loaded = files;
        return files;
      },
    );
    return this.#files;
  }

  #readNssGroups(): Promise<readonly GroupRow[] | null> {
    this.#nssGroups ??= this.#getent!('group').then((text) => (text === null ? null : parseGroup(text)));
    return this.#nssGroups;
  }
}

function readDb(path: string): string[][] {
  try {
    return parseDb(readFileSync(path, 'utf8'));
  } catch {
    return [];
  }
}

/**
 * Looks up a user by name or numeric uid (`datatypes.py name_to_uid`) in `/etc/passwd`, synchronously;
 * null if unknown. Reads the file on every call and does not ask NSS: prefer {@link UserDirectory}.
 */
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

/** A group's id from `/etc/group`, by name or number (`datatypes.py name_to_gid`); null when unknown. */
export function lookupGroupId(group: string): number | null {
  const text = group.trim();
  const numeric = /^\d+$/.test(text);
  const row = readDb('/etc/group').find((r) => (numeric ? r[2] === text : r[0] === text));
  return row ? Number(row[2]) : null;
}

/**
 * The groups a process of this user gets, as supervisord's `drop_privileges` sets them: the primary group
 * plus every group that lists the user as a member. Reads `/etc/passwd` and `/etc/group` on every call:
 * prefer {@link UserRecord.groups} from a {@link UserDirectory}.
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
