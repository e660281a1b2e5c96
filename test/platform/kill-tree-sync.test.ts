/**
 * selectDescendants on made-up process tables: which processes count as ours by group, owner tag and
 * parentage, and when a recorded group number no longer is ours. See docs/orphans.md.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { indexTable, selectDescendants, type ProcEntry, type Roots } from '../../src/platform/kill-tree.js';
import { PROPERTY_SEED } from '../helpers/property-checks.js';

function proc(pid: number, ppid: number, pgid: number, extra: Partial<ProcEntry> = {}): ProcEntry {
  return { pid, ppid, pgid, start: pid * 10, zombie: false, tags: [], ...extra };
}

const pids = (entries: readonly ProcEntry[]) => entries.map((e) => e.pid).sort((a, b) => a - b);

describe('selectDescendants', () => {
  it('finds group members, tagged processes and their children, and nothing else', () => {
    const table = [
      proc(1, 0, 1),
      proc(100, 1, 100), // our child, leader of group 100
      proc(101, 100, 100), // grandchild in the group
      proc(102, 100, 102), // grandchild that called setsid, no tag (parentage)
      proc(103, 102, 103), // its child
      proc(200, 1, 200, { tags: ['h-1/1/3'] }), // daemon reparented to init, tagged
      proc(201, 200, 201), // the daemon's child, tag cleared: parentage
      proc(300, 1, 300, { tags: ['h-1/2/1'] }), // another supervisor's
      proc(301, 1, 301, { tags: ['h-1/10/1'] }), // `h-1/1` must not match `h-1/10`
      proc(400, 1, 400),
    ];
    const found = selectDescendants(table, { groups: [{ pgid: 100, start: 1000 }], tags: ['h-1/1'] });
    expect(pids(found)).toEqual([100, 101, 102, 103, 200, 201]);
    // A host-wide selector matches every supervisor of the host.
    expect(pids(selectDescendants(table, { tags: ['h-1'] }))).toEqual([200, 201, 300, 301]);
  });

  it('matches a nested tag list and skips zombies, pid 1, excluded pids and the caller', () => {
    const table = [
      proc(1, 0, 1, { tags: ['h-1/1/1'] }),
      proc(500, 1, 500, { tags: ['inner/1/1', 'h-1/1/1'] }),
      proc(501, 500, 501, { zombie: true }),
      proc(502, 500, 502, { tags: ['h-1/1/1'] }),
      proc(process.pid, 1, process.pid, { tags: ['h-1/1/1'] }),
    ];
    expect(pids(selectDescendants(table, { tags: ['h-1/1/1'], exclude: [502] }))).toEqual([500]);
  });

  it('a group whose leader was reaped is still ours; one whose number was reused is not', () => {
    const leftover = [proc(1, 0, 1), proc(601, 1, 600)]; // leader 600 gone, member 601 remains
    expect(pids(selectDescendants(leftover, { groups: [{ pgid: 600, start: 6000 }] }))).toEqual([601]);

    // Group 600 emptied, then a stranger got pid 600 and made its own group 600.
    const reused = [proc(1, 0, 1), proc(600, 1, 600, { start: 99999 }), proc(601, 600, 600)];
    expect(selectDescendants(reused, { groups: [{ pgid: 600, start: 6000 }] })).toEqual([]);
    // Without a start time (macOS) there is no way to tell: it counts as ours.
    expect(pids(selectDescendants(reused, { groups: [{ pgid: 600, start: null }] }))).toEqual([600, 601]);
  });
});

/** The selection written plainly, every entry against every mark: what the indexed one must agree with. */
function naiveSelect(table: readonly ProcEntry[], roots: Roots): number[] {
  const exclude = new Set([...(roots.exclude ?? []), process.pid]);
  const byPid = new Map(table.map((e) => [e.pid, e]));
  const groups = new Set<number>();
  for (const g of roots.groups ?? []) {
    const leader = byPid.get(g.pgid);
    if (!leader || g.start === null || leader.start === g.start) groups.add(g.pgid);
  }
  const sel = roots.tags ?? [];
  const ours = (e: ProcEntry) =>
    groups.has(e.pgid) || e.tags.some((t) => sel.some((s) => t === s || t.startsWith(`${s}/`)));
  const mine = new Set(table.filter((e) => e.pid > 1 && !exclude.has(e.pid) && ours(e)).map((e) => e.pid));
  for (let grew = true; grew;) {
    grew = false;
    for (const e of table) {
      if (e.pid > 1 && !exclude.has(e.pid) && !mine.has(e.pid) && mine.has(e.ppid)) {
        mine.add(e.pid);
        grew = true;
      }
    }
  }
  return [...mine].filter((pid) => byPid.get(pid)?.zombie === false).sort((a, b) => a - b);
}

describe('selectDescendants on an indexed snapshot', () => {
  const tag = fc.constantFrom('h', 'h/1', 'h/1/2', 'h/10', 'h/1/2/x', 'g/1', 'h/1/20');
  const table = fc
    .uniqueArray(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 })
    .chain((pids) =>
      fc.tuple(
        ...pids.map((pid) =>
          fc.record({
            pid: fc.constant(pid),
            ppid: fc.constantFrom(0, 1, ...pids),
            pgid: fc.constantFrom(...pids),
            start: fc.option(fc.integer({ min: 0, max: 3 })),
            zombie: fc.boolean(),
            tags: fc.array(tag, { maxLength: 2 }),
          }),
        ),
      ),
    );
  const roots = fc.record({
    groups: fc.array(
      fc.record({ pgid: fc.integer({ min: 1, max: 40 }), start: fc.option(fc.integer({ min: 0, max: 3 })) }),
      {
        maxLength: 3,
      },
    ),
    tags: fc.array(tag, { maxLength: 2 }),
    exclude: fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 2 }),
  });

  it('answers every query as the plain reading of the marks does, one index for many queries', () => {
    fc.assert(
      fc.property(table, fc.array(roots, { minLength: 1, maxLength: 4 }), (t, queries) => {
        const index = indexTable(t);
        for (const q of queries) {
          expect(pids(selectDescendants(index, q))).toEqual(naiveSelect(t, q));
          expect(pids(selectDescendants(t, q))).toEqual(naiveSelect(t, q));
        }
      }),
      { seed: PROPERTY_SEED, numRuns: 500 },
    );
  });
});
