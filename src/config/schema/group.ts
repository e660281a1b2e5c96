/**
 * A heterogeneous group: supervisord's `[group:x]` section.
 * @module
 */

import { z } from 'zod';
import { int } from './options.js';

/** A heterogeneous group: supervisord's `[group:x]` section. */
export const groupSchema = z.strictObject({
  /** `programs`: the programs that make this group, in order (an array, or supervisord's comma list). */
  programs: z
    .union(
      [z.array(z.string()), z.string().transform((s) => (s === '' ? [] : s.split(',').map((x) => x.trim())))],
      {
        error: 'expected a list of program names',
      },
    )
    .describe(
      '`programs`: the programs that form this group, in order (these no longer form their own groups).',
    ),
  /** `priority`: the group's start/stop order (its processes keep their own priority). @default 999 */
  priority: int('').default(999).describe("`priority`: the group's start order (lower first). @default 999"),
});

/** What the group schema accepts (text forms included); the public type is `GroupDefinition`. */
export type GroupSchemaInput = z.input<typeof groupSchema>;
/** A `groups` entry after validation and defaults. */
export type ParsedGroupDefinition = z.output<typeof groupSchema>;
