import { describe, expect, it } from 'vitest';
import { diffGroups } from '../../src/core/reload-diff.js';
import { resolveConfig } from '../../src/index.js';

const groups = (pattern: RegExp) =>
  resolveConfig({ programs: { web: { command: 'sleep 1', readiness: { pattern } } } }).groups;

describe('diffGroups', () => {
  it('a changed readiness pattern changes the group; the same pattern does not', () => {
    const active = new Map(groups(/ready/).map((g) => [g.name, g]));
    expect(diffGroups(active, groups(/ready/))).toEqual([[], [], []]);
    expect(diffGroups(active, groups(/listening/))).toEqual([[], ['web'], []]);
    expect(diffGroups(active, groups(/ready/i))).toEqual([[], ['web'], []]);
  });
});
