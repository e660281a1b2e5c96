/**
 * Which processes of a process-table snapshot are ours: by process group, by owner tag, by parentage (see
 * `kill-tree.ts` for the three marks). A snapshot is indexed once ({@link indexTable}), so that a stop of
 * many children in one turn, each selecting its own descendants from the same snapshot, costs time in
 * proportion to what each one finds, not to the size of the table.
 * @module
 */

/** One row of the process table. */
export interface ProcEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  /** Start time in clock ticks since boot (`/proc/<pid>/stat` field 22); null where unknown. */
  readonly start: number | null;
  /** A zombie: dead, waiting to be reaped. It cannot be killed and counts as gone. */
  readonly zombie: boolean;
  /** The entries of its `PROCVISOR_OWNER` (comma-separated when nested); empty when absent or unreadable. */
  readonly tags: readonly string[];
}

/** A process group we created: its leader's pid and start time, to tell it from a later group with the same number. */
export interface GroupRoot {
  readonly pgid: number;
  readonly start: number | null;
}

/** What makes a process ours. */
export interface Roots {
  /** Process groups created for our children. */
  readonly groups?: Iterable<GroupRoot>;
  /**
   * Tag selectors: a process whose tag equals one of them or starts with it followed by `/` is ours.
   * Tags are hierarchical (`host/supervisor/child`), so a host selector matches all of its supervisors.
   */
  readonly tags?: readonly string[];
  /** Never touch these pids (the host itself, the watchdog). */
  readonly exclude?: Iterable<number>;
}

/** A snapshot with its lookups: by pid, by parent, by process group, by tag (built on the first tag query). */
export interface TableIndex {
  readonly byPid: ReadonlyMap<number, ProcEntry>;
  readonly children: ReadonlyMap<number, readonly ProcEntry[]>;
  readonly byGroup: ReadonlyMap<number, readonly ProcEntry[]>;
  /** Each tag and each of its `/`-prefixes, to the entries that carry it: what a selector matches. */
  byTag(): ReadonlyMap<string, readonly ProcEntry[]>;
}

function push<K>(map: Map<K, ProcEntry[]>, key: K, e: ProcEntry): void {
  const list = map.get(key);
  if (list) list.push(e);
  else map.set(key, [e]);
}

/** Indexes `table` for {@link selectDescendants}. */
export function indexTable(table: readonly ProcEntry[]): TableIndex {
  const byPid = new Map<number, ProcEntry>();
  const children = new Map<number, ProcEntry[]>();
  const byGroup = new Map<number, ProcEntry[]>();
  for (const e of table) {
    byPid.set(e.pid, e);
    push(children, e.ppid, e);
    push(byGroup, e.pgid, e);
  }
  let byTag: Map<string, ProcEntry[]> | null = null;
  return {
    byPid,
    children,
    byGroup,
    byTag() {
      if (byTag) return byTag;
      byTag = new Map();
      for (const e of table) {
        const keys = new Set<string>();
        for (const t of e.tags) {
          keys.add(t);
          for (let i = t.indexOf('/'); i >= 0; i = t.indexOf('/', i + 1)) keys.add(t.slice(0, i));
        }
        for (const k of keys) push(byTag, k, e);
      }
      return byTag;
    },
  };
}

/**
 * The live (non-zombie) processes of `table` that are ours by group, tag or parentage, in no particular
 * order. A group counts only while its number still belongs to us: its leader is gone (the number stays
 * allocated while members live), or is the very process we started (same start time). A tag selector
 * matches a tag equal to it or starting with it followed by `/`.
 */
export function selectDescendants(table: readonly ProcEntry[] | TableIndex, roots: Roots): ProcEntry[] {
  const index = Array.isArray(table) ? indexTable(table) : (table as TableIndex);
  const exclude = new Set<number>(roots.exclude ?? []);
  exclude.add(process.pid);
  const mine = new Set<number>();
  const take = (list: readonly ProcEntry[] | undefined) => {
    for (const e of list ?? []) if (e.pid > 1 && !exclude.has(e.pid)) mine.add(e.pid);
  };
  for (const g of roots.groups ?? []) {
    const leader = index.byPid.get(g.pgid);
    if (!leader || g.start === null || leader.start === g.start) take(index.byGroup.get(g.pgid));
  }
  const tags = roots.tags ?? [];
  if (tags.length > 0) {
    const byTag = index.byTag();
    for (const s of tags) take(byTag.get(s));
  }
  // Parentage, to a fixed point: children of ours are ours (zombie parents included, which costs nothing:
  // the kernel reparents a process's children when it exits, so a zombie has none).
  const stack = [...mine];
  for (let pid = stack.pop(); pid !== undefined; pid = stack.pop()) {
    for (const c of index.children.get(pid) ?? []) {
      if (c.pid > 1 && !exclude.has(c.pid) && !mine.has(c.pid)) {
        mine.add(c.pid);
        stack.push(c.pid);
      }
    }
  }
  const out: ProcEntry[] = [];
  for (const pid of mine) {
    const e = index.byPid.get(pid);
    if (e && !e.zombie) out.push(e);
  }
  return out;
}
