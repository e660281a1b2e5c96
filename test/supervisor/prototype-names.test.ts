/**
 * Programs and groups named like `Object.prototype` keys are ordinary ones at run time too: they start,
 * are found by name, are controlled and are removed like any other.
 */
import { describe, expect } from 'vitest';
import type { ProgramConfig, SupervisorConfig } from '../../src/index.js';
import { it, prog } from '../helpers/core.js';

/** A record with these entries as own keys (an object literal's `__proto__:` would set its prototype). */
function record<T>(entries: [string, T][]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true });
  return out;
}

describe('prototype key names', () => {
  it('__proto__ and constructor run, are found and are controlled', async ({ supervise }) => {
    const config: SupervisorConfig = {
      programs: record<ProgramConfig>([
        ['__proto__', prog(['--report'], { environment: record([['PV___proto__', 'yes']]) })],
        ['constructor', prog([], { autostart: false })],
      ]),
      groups: record([['toString', { programs: ['__proto__'] }]]),
    };
    const h = supervise(config);
    await h.sup.start();
    await h.reach('__proto__', 'RUNNING');
    expect((await h.report('__proto__')).env['PV___proto__']).toBe('yes');
    expect(await h.sup.getProcessInfo('toString:__proto__')).toMatchObject({
      name: '__proto__',
      group: 'toString',
    });
    expect(await h.sup.getProcessInfo('constructor')).toMatchObject({ statename: 'STOPPED' });
    await h.sup.startProcess('constructor');
    await h.sup.stopProcessGroup('toString');
    expect(h.sup.getProcess('toString:__proto__')?.state).toBe('STOPPED');
    expect(await h.sup.removeProcessGroup('toString')).toBe(true);
    expect((await h.sup.getAllProcessInfo()).map((i) => `${i.group}:${i.name}`)).toEqual([
      'constructor:constructor',
    ]);
  });
});
