// An event listener has every program option except the FastCGI socket (supervisord's EventListenerConfig).
const listenerShape = Object.fromEntries(
  Object.entries(programSchema.in.shape).filter(([key]) => !Object.hasOwn(fcgiOptions, key)),
) as Omit<typeof programSchema.in.shape, keyof typeof fcgiOptions>;

/**
 * The options of one event listener pool: supervisord's `[eventlistener:x]` section.
 * @module
 */

import { z } from 'zod';
import { EVENT_PARENTS, type EventTypeName } from '../../events/types.js';
import { DEFAULT_RESULT_HANDLER_SPEC, type ResultHandler } from '../../listeners/types.js';
import { integer } from '../datatypes.js';
import { converted, expecting, int, shown } from './options.js';
import { checkProgram, crossCheckable, programSchema } from './program.js';
import { fcgiOptions } from './socket.js';

/** `events`: event type names (any case), as a list or supervisord's comma list; upper-cased, each once. */
function eventTypes(value: string | readonly string[]): EventTypeName[] {
  const list = typeof value === 'string' ? value.split(',') : value;
  const out: EventTypeName[] = [];
  for (const raw of list) {
    const name = raw.trim().toUpperCase();
    if (name === '') continue;
    if (!Object.hasOwn(EVENT_PARENTS, name)) throw new Error(`Unknown event type ${name}`);
    if (!out.includes(name as EventTypeName)) out.push(name as EventTypeName);
  }
  if (out.length === 0) throw new Error('an event listener requires at least one event type in "events"');
  return out;
}

/**
 * The options of one event listener pool: supervisord's `[eventlistener:x]` section. Every program option,
 * plus `events`, `bufferSize` and `resultHandler`; `priority` sets the pool's priority (default -1) and the
 * processes' (default 999).
 */
export const eventListenerSchema = z
  .strictObject({
    ...listenerShape,
    /**
     * `priority`: when set, the priority of the pool and of its processes. Unset, the pool's priority is -1
     * (pools start first and stop last) and each process's 999, as in supervisord.
     */
    priority: int('')
      .optional()
      .describe(
        '`priority`: the priority of the pool and of its processes. Unset: -1 for the pool (pools start first ' +
          'and stop last) and 999 for its processes. @default -1',
      ),
    /** `events`: the event types the pool subscribes to; an abstract type (`PROCESS_STATE`, `EVENT`) includes its subtypes. Required. */
    events: converted(
      z.union([z.array(z.string()), z.string()], {
        error: (iss) =>
          iss.input === undefined
            ? 'an event listener requires "events"'
            : "expected a list of event type names, or their comma list like 'PROCESS_STATE,TICK_60'",
      }),
      eventTypes,
    ).describe(
      '`events`: the event types the pool subscribes to (PROCESS_STATE_EXITED, TICK_60, ...); an abstract type ' +
        '(PROCESS_STATE, EVENT) includes its subtypes. Required.',
    ),
    /** `buffer_size`: events kept for the pool while no listener is READY; when full, the oldest is dropped. @default 10 */
    bufferSize: converted(
      z.union([z.number().int(), z.string()], { error: expecting('an integer') }),
      (v) => {
        let n: number;
        try {
          n = integer(v);
        } catch {
          throw new Error(`expected an integer, got ${shown(v)}`);
        }
        if (n < 1) throw new Error(`buffer_size must be at least 1 (got ${n})`);
        return n;
      },
    )
      .default(10)
      .describe(
        '`buffer_size`: events kept for the pool while no listener is READY; when full, the oldest is dropped. ' +
          '@default 10',
      ),
    /**
     * `result_handler`: what a listener's RESULT body means: a function `(event, body) => ...` that throws
     * `RejectEvent` (or returns false) to reject, or supervisord's default spec
     * `'supervisor.dispatchers:default_handler'` (`OK` processed, anything else rejected).
     * @default supervisord's default handler
     */
    resultHandler: z
      .union(
        [
          z.string(),
          z.custom<ResultHandler>((v) => typeof v === 'function', { error: 'expected a function' }),
        ],
        { error: "expected a function (event, body) => ... or 'supervisor.dispatchers:default_handler'" },
      )
      .transform((v, ctx): ResultHandler | null => {
        if (typeof v === 'function') return v;
        if (v.trim() === DEFAULT_RESULT_HANDLER_SPEC) return null;
        ctx.addIssue({
          code: 'custom',
          input: v,
          message:
            `result_handler ${JSON.stringify(v)} is a Python import; procvisor cannot load it. ` +
            `Pass a function (event, body) => ... instead (or '${DEFAULT_RESULT_HANDLER_SPEC}')`,
        });
        return z.NEVER;
      })
      .default(null)
      .describe(
        '`result_handler`: a function (event, body) that throws RejectEvent (or returns false) to reject the ' +
          `event, or '${DEFAULT_RESULT_HANDLER_SPEC}' (OK = processed, anything else = rejected). @default the default handler`,
      ),
  })
  .superRefine(
    (p, ctx) => {
      checkProgram(p, ctx);
      if (p.redirectStderr) {
        ctx.addIssue({
          code: 'custom',
          path: ['redirectStderr'],
          message:
            'redirect_stderr=true is not allowed for an event listener, because it would interfere with the ' +
            'eventlistener protocol',
        });
      }
    },
    { when: crossCheckable },
  )
  .transform(({ killasgroup, ...rest }) => ({ ...rest, killasgroup: killasgroup ?? rest.stopasgroup }));

/** What the event listener schema accepts (text forms included); the public type is `EventListenerConfig`. */
export type EventListenerSchemaInput = z.input<typeof eventListenerSchema>;
/** An event listener pool after validation and defaults. */
export type ParsedEventListenerConfig = z.output<typeof eventListenerSchema>;
