/**
 * From user input to the frozen {@link ResolvedConfig}: validation through the zod schema, `%(name)s`
 * expansion with exactly the names supervisord allows where it allows them, one `ProcessConfig` per
 * `process_num`, groups, ordering and environment merging. Ported from `supervisor/options.py`
 * (`ServerOptions.read_config`, `process_groups_from_parser`, `_processes_from_section`).
 * @module
 */

import { ConfigError } from '../../errors.js';
import { expandUser } from '../datatypes.js';
import type { ParsedSupervisorConfig } from '../schema/index.js';
import type { SupervisorConfig } from '../input/index.js';
import type { ResolvedConfig } from '../types.js';
import { deepFreeze } from './copy.js';
import { checkDependencies } from './dependencies.js';
import { resolveGroups } from './groups.js';
import { Issues } from './issues.js';
import { prepare, type Prepared, type ResolveOptions } from './prepare.js';
import { parseSections } from './sections.js';

export type { ResolveOptions } from './prepare.js';

function parse(input: unknown, opts: ResolveOptions, issues: Issues): [ParsedSupervisorConfig, Prepared] {
  const prepared = prepare(input, opts, issues);
  issues.throwIfAny();
  const config = parseSections((prepared as Prepared).data, issues);
  issues.throwIfAny();
  return [config as ParsedSupervisorConfig, prepared as Prepared];
}

/**
 * Validates a configuration and applies supervisord's defaults, without building processes. The options
 * supervisord expands once per section are expanded; the per-process ones (`command`, `processName`,
 * `environment`, `directory`, `stdoutLogfile`, `stderrLogfile`) are returned as written. Internal: its
 * result is zod's output type.
 * @throws ConfigError listing every problem
 */
export function parseConfig(input: unknown, opts: ResolveOptions = {}): ParsedSupervisorConfig {
  return parse(input, opts, new Issues())[0];
}

/**
 * Validates a configuration and resolves it the way supervisord 4.2.5 reads its config file: defaults,
 * `%(name)s` expansion, one process per `process_num`, groups and their order, merged environments.
 *
 * The input is copied first and is never frozen nor changed: the result is made of new objects (a RegExp
 * `readiness.pattern` is a new RegExp with the same source and flags), except that `check` and
 * `resultHandler` functions are the same functions.
 * @param input the configuration (anything that is not a {@link SupervisorConfig} is reported, not thrown raw)
 * @param opts where `%(ENV_*)s` and `%(host_node_name)s` come from
 * @returns the deeply frozen resolved configuration (its RegExps excepted: a frozen global RegExp cannot run)
 * @throws ConfigError listing every problem found (never a partial result, never a ZodError)
 * @example
 * ```ts
 * const config = resolveConfig({
 *   programs: { web: { command: 'node server.js --port 80%(process_num)02d', numprocs: 2, processName: 'web_%(process_num)d' } },
 * });
 * config.groups[0]?.processes.map((p) => p.name); // ['web_0', 'web_1']
 * ```
 */
export function resolveConfig(input: SupervisorConfig, opts: ResolveOptions = {}): ResolvedConfig {
  const issues = new Issues();
  const [config, prepared] = parse(input, opts, issues);
  checkDependencies(config, issues);
  const groups = resolveGroups(config, prepared, issues);
  issues.throwIfAny();
  return deepFreeze({
    identifier: config.identifier,
    childlogdir: expandUser(config.childlogdir),
    nocleanup: config.nocleanup,
    environment: config.environment,
    stripAnsi: config.stripAnsi,
    serverurl: config.serverurl,
    // 'NONE' (or empty) writes no activity log, as supervisord's `logfile=NONE` does.
    logfile:
      config.logfile === null || /^(none|off)?$/i.test(config.logfile.trim())
        ? null
        : expandUser(config.logfile),
    logfileMaxbytes: config.logfileMaxbytes,
    logfileBackups: config.logfileBackups,
    loglevel: config.loglevel,
    groups,
  });
}

/**
 * What {@link validateConfig} found: the resolved configuration, or the {@link ConfigError} that
 * {@link resolveConfig} would have thrown.
 */
export type ConfigValidation =
  | { readonly ok: true; readonly config: ResolvedConfig }
  | { readonly ok: false; readonly error: ConfigError };

/**
 * Checks a configuration without throwing: {@link resolveConfig}, with an invalid configuration reported as
 * a result instead of an exception. Use it where invalid input is expected (a config file a user edits, a
 * form, a CLI's `--check`); use `resolveConfig` or `new Supervisor(config)` where it is a bug.
 *
 * The input is copied and never frozen nor changed. Nothing is started and the file system is not touched.
 * @param input the configuration to check, of any type ({@link SupervisorConfig} shape expected)
 * @param opts where `%(ENV_*)s` and `%(host_node_name)s` come from
 * @returns `{ ok: true, config }` with the deeply frozen resolved configuration, or `{ ok: false, error }`
 *   with a {@link ConfigError} whose `issues` list every problem as `{ path, message }`
 * @throws only what is not a configuration problem (a bug), never a `ConfigError`
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * import { validateConfig } from 'procvisor';
 *
 * const result = validateConfig(JSON.parse(await readFile('procvisor.json', 'utf8')));
 * if (!result.ok) {
 *   for (const { path, message } of result.error.issues) console.error(`${path.join('.')}: ${message}`);
 *   process.exit(1);
 * }
 * console.log(result.config.groups.map((g) => g.name));
 * ```
 */
export function validateConfig(input: unknown, opts: ResolveOptions = {}): ConfigValidation {
  try {
    return { ok: true, config: resolveConfig(input as SupervisorConfig, opts) };
  } catch (err) {
    if (err instanceof ConfigError) return { ok: false, error: err };
    throw err;
  }
}
