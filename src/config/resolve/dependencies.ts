/**
 * The cross-checks of `dependsOn`: known programs, no cycle.
 * @module
 */

import type { ParsedSupervisorConfig } from '../schema/index.js';
import type { Issues } from './issues.js';

/** `dependsOn` must name programs, and must not form a cycle. */
export function checkDependencies(config: ParsedSupervisorConfig, issues: Issues): void {
  const programs = config.programs;
  for (const [name, p] of Object.entries(programs)) {
    for (const dep of Object.keys(p.dependsOn)) {
      if (!(dep in programs))
        issues.add(['programs', name, 'dependsOn', dep], `depends on unknown program ${dep}`);
      else if (dep === name)
        issues.add(['programs', name, 'dependsOn', dep], `program ${name} depends on itself`);
    }
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const reported = new Set<string>();
  const visit = (name: string): void => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of Object.keys(programs[name]?.dependsOn ?? {})) {
      if (!(dep in programs) || dep === name) continue;
      if (state.get(dep) === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(dep)), dep];
        const key = [...cycle].slice(0, -1).sort().join(',');
        if (!reported.has(key)) {
          reported.add(key);
          issues.add(['programs', name, 'dependsOn', dep], `dependency cycle: ${cycle.join(' -> ')}`);
        }
      } else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of Object.keys(programs)) if (!state.has(name)) visit(name);
}
