/**
 * Which way this host finds a child's descendants, chosen once when procvisor is loaded: from the platform,
 * or forced with {@link PROCESS_TREE_ENV} (a testing aid). See `process-tree.ts` and docs/orphans.md.
 * @module
 */

/**
 * `PROCVISOR_PROCESS_TREE`, read once when procvisor is loaded: `tree-kill` makes procvisor do on Linux what
 * it does where there is no `/proc` (a testing aid; see docs/orphans.md).
 */
export const PROCESS_TREE_ENV = 'PROCVISOR_PROCESS_TREE';

/**
 * How descendants are found:
 * - `proc`: the `/proc` snapshot (groups, owner tags, parentage) for everything; Linux.
 * - `tree-kill`: no `/proc`; tree-kill walks parentage for the graceful paths, and one `ps` snapshot serves
 *   the synchronous ones; macOS.
 * - `ps`: no `/proc`; one `ps` snapshot (groups, parentage) for everything; the BSDs and other systems, where
 *   tree-kill would run procps's `ps --ppid`, which their `ps` does not have, and so find no child at all.
 */
export type ProcessTreeKind = 'proc' | 'tree-kill' | 'ps';

/** The kind for `platform`, or the one `forced` names; with a warning for a value that names none. */
export function chooseProcessTreeKind(
  platform: NodeJS.Platform,
  forced: string | undefined,
): { kind: ProcessTreeKind; warning?: string } {
  const kind = platform === 'linux' ? 'proc' : platform === 'darwin' ? 'tree-kill' : 'ps';
  if (!forced) return { kind };
  if (forced === 'tree-kill') return { kind: forced };
  return {
    kind,
    warning: `procvisor: ignoring ${PROCESS_TREE_ENV}=${forced} (the one value it takes is tree-kill)`,
  };
}

const chosen = chooseProcessTreeKind(process.platform, process.env[PROCESS_TREE_ENV]);
if (chosen.warning) process.emitWarning(chosen.warning, 'ProcvisorWarning');

/** How this host finds descendants (see {@link ProcessTreeKind}). */
export const PROCESS_TREE_KIND: ProcessTreeKind = chosen.kind;
