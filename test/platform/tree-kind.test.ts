/**
 * Which way a host finds descendants: from the platform, or forced with PROCVISOR_PROCESS_TREE (read once,
 * when procvisor is loaded). The default on Linux is the /proc snapshot. See docs/orphans.md.
 */
import { describe, expect, it, vi } from 'vitest';
import { chooseProcessTreeKind, PROCESS_TREE_ENV, PROCESS_TREE_KIND } from '../../src/platform/tree-kind.js';
import { captureWarnings } from '../helpers/warnings.js';

describe('chooseProcessTreeKind', () => {
  it('reads /proc on Linux, walks with tree-kill on macOS, reads one ps snapshot elsewhere', () => {
    expect(chooseProcessTreeKind('linux', undefined)).toEqual({ kind: 'proc' });
    expect(chooseProcessTreeKind('darwin', undefined)).toEqual({ kind: 'tree-kill' });
    expect(chooseProcessTreeKind('freebsd', undefined)).toEqual({ kind: 'ps' });
    expect(chooseProcessTreeKind('openbsd', undefined)).toEqual({ kind: 'ps' });
    expect(chooseProcessTreeKind('linux', '')).toEqual({ kind: 'proc' });
  });

  it('takes tree-kill when forced, and warns about any other value', () => {
    expect(chooseProcessTreeKind('linux', 'tree-kill')).toEqual({ kind: 'tree-kill' });
    expect(chooseProcessTreeKind('linux', 'treekill')).toEqual({
      kind: 'proc',
      warning: 'procvisor: ignoring PROCVISOR_PROCESS_TREE=treekill (the one value it takes is tree-kill)',
    });
  });
});

describe('the host', () => {
  it.runIf(process.platform === 'linux' && process.env[PROCESS_TREE_ENV] === undefined)(
    'reads /proc on Linux unless told otherwise',
    () => {
      expect(PROCESS_TREE_KIND).toBe('proc');
    },
  );

  it('reads the variable when loaded, and warns about a value it does not take', async () => {
    using warnings = captureWarnings({ name: 'ProcvisorWarning', message: PROCESS_TREE_ENV });
    const before = process.env[PROCESS_TREE_ENV];
    vi.resetModules();
    process.env[PROCESS_TREE_ENV] = 'bogus';
    try {
      const fresh = await import('../../src/platform/tree-kind.js');
      expect(fresh.PROCESS_TREE_KIND).toBe(chooseProcessTreeKind(process.platform, undefined).kind);
    } finally {
      if (before === undefined) delete process.env[PROCESS_TREE_ENV];
      else process.env[PROCESS_TREE_ENV] = before;
    }
    expect((await warnings.nth()).message).toMatch(/ignoring PROCVISOR_PROCESS_TREE=bogus/);
  });
});
