/** The ring behind a pool's event buffer behaves as supervisord's list: append, insert at 0, pop(0). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Deque } from '../../src/listeners/event-buffer.js';
import { PROPERTY_SEED, propertyRuns } from '../helpers/property-checks.js';

type Op = { op: 'push' | 'unshift'; value: number } | { op: 'shift' } | { op: 'clear' };

const ops = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('push' as const), value: fc.integer() }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('unshift' as const), value: fc.integer() }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('shift' as const) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('clear' as const) }) },
  ),
  { maxLength: 200 },
);

describe('Deque', () => {
  it('matches an array through any sequence of operations, growing past its capacity', () => {
    fc.assert(
      fc.property(ops, fc.integer({ min: 1, max: 8 }), (list: Op[], capacity) => {
        const d = new Deque<number>(capacity);
        const model: number[] = [];
        for (const o of list) {
          if (o.op === 'push') {
            d.push(o.value);
            model.push(o.value);
          } else if (o.op === 'unshift') {
            d.unshift(o.value);
            model.unshift(o.value);
          } else if (o.op === 'shift') {
            expect(d.shift()).toBe(model.shift());
          } else {
            d.clear();
            model.length = 0;
          }
          expect(d.length).toBe(model.length);
          expect(d.peek()).toBe(model[0]);
        }
        expect(d.toArray()).toEqual(model);
      }),
      { seed: PROPERTY_SEED, numRuns: propertyRuns(500) },
    );
  });

  it('keeps the order of 100,000 items, head first', () => {
    const d = new Deque<number>();
    for (let i = 0; i < 100_000; i++) d.push(i);
    d.unshift(-1);
    const out: (number | undefined)[] = [];
    while (d.length > 0) out.push(d.shift());
    expect(out).toEqual(Array.from({ length: 100_001 }, (_, i) => i - 1));
    expect(d.shift()).toBeUndefined();
  });
});
