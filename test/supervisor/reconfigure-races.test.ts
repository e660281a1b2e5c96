/**
 * Reconfigurations asked for at once (update, reloadConfig, addProcessGroup, removeProcessGroup) run one at
 * a time in call order, each seeing the state the previous one left: the outcome is that of the same calls
 * made one after another.
 */
import { describe, expect } from 'vitest';
import type { SupervisorConfig } from '../../src/index.js';
import { it, prog } from '../helpers/core.js';

const before: SupervisorConfig = { programs: { a: prog([]) } };
const after: SupervisorConfig = {
  programs: { a: prog([], { environment: { PV_VERSION: '2' } }), b: prog([]) },
};

const none = { added: [], changed: [], removed: [], problems: [] };

describe.concurrent('reconfiguration is serialised', () => {
  it('two updates at once: the second finds nothing to do', async ({ supervise }) => {
    const h = supervise(before);
    await h.sup.start();
    await h.reach('a', 'RUNNING');
    const [first, second] = await Promise.all([h.sup.update(after), h.sup.update(after)]);
    expect(first).toEqual({ added: ['b'], changed: ['a'], removed: [], problems: [] });
    expect(second).toEqual(none);
    await h.reach('a', 'RUNNING', 2);
    await h.reach('b', 'RUNNING');
    // a restarted once, not twice.
    expect(h.seq('a').filter((s) => s.endsWith('->STARTING tries:0'))).toHaveLength(2);
    expect(h.sup.groups.map((g) => g.name).sort()).toEqual(['a', 'b']);
  });

  it('update, then addProcessGroup of a group it adds: the add finds it added', async ({ supervise }) => {
    const h = supervise(before);
    await h.sup.start();
    await h.sup.reloadConfig(after); // b is in the configuration in force, not active
    const [update, add] = await Promise.allSettled([h.sup.update(after), h.sup.addProcessGroup('b')]);
    expect(update).toEqual({
      status: 'fulfilled',
      value: { added: ['b'], changed: ['a'], removed: [], problems: [] },
    });
    expect(add).toMatchObject({
      status: 'rejected',
      reason: { code: 'ALREADY_ADDED', message: 'ALREADY_ADDED: b' },
    });
  });

  it('addProcessGroup, then update: the update no longer adds it, and succeeds', async ({ supervise }) => {
    const h = supervise(before);
    await h.sup.start();
    await h.sup.reloadConfig(after);
    const [add, update] = await Promise.all([h.sup.addProcessGroup('b'), h.sup.update(after)]);
    expect(add).toBe(true);
    expect(update).toEqual({ added: [], changed: ['a'], removed: [], problems: [] });
    expect(h.sup.groups.map((g) => g.name).sort()).toEqual(['a', 'b']);
  });

  it('a reloadConfig behind an update diffs against the groups the update left', async ({ supervise }) => {
    const h = supervise(before);
    await h.sup.start();
    const [, diff] = await Promise.all([h.sup.update(after), h.sup.reloadConfig(after)]);
    expect(diff).toEqual([[], [], []]);
  });

  it('removeProcessGroup behind an update sees the group the update started again', async ({ supervise }) => {
    const h = supervise(before);
    await h.sup.start();
    await h.reach('a', 'RUNNING');
    const [update, remove] = await Promise.allSettled([h.sup.update(after), h.sup.removeProcessGroup('a')]);
    expect(update.status).toBe('fulfilled');
    expect(remove).toMatchObject({ status: 'rejected', reason: { code: 'STILL_RUNNING' } });
    expect(h.sup.getProcess('a')).toBeDefined();
  });

  it('a failed reconfiguration does not stop the next one', async ({ supervise }) => {
    const h = supervise(before);
    await h.sup.start();
    const bad = { programs: { a: { command: 'x', startsecs: 'soon' } } } as unknown as SupervisorConfig;
    const [first, second] = await Promise.allSettled([h.sup.update(bad), h.sup.update(after)]);
    expect(first).toMatchObject({ status: 'rejected', reason: { code: 'CONFIG_ERROR' } });
    expect(second).toMatchObject({ status: 'fulfilled', value: { added: ['b'], changed: ['a'] } });
  });

  it('reconfigurations queued behind a shutdown reject with SHUTDOWN_STATE', async ({ supervise }) => {
    const h = supervise(before);
    await h.sup.start();
    const update = h.sup.update(after);
    const queued = h.sup.addProcessGroup('b');
    const shutdown = h.sup.shutdown();
    const results = await Promise.allSettled([update, queued]);
    await shutdown;
    // The update may be under way when the shutdown begins; whatever runs after it is refused.
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { code: 'SHUTDOWN_STATE' } });
    if (results[0]?.status === 'rejected')
      expect(results[0].reason).toMatchObject({ code: 'SHUTDOWN_STATE' });
  });
});
