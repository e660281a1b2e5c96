// Property: any supervisord.conf text mutated from the ini-corpus (../shared/ini-corpus, read in place) is
// either a ConfigError that lists its issues, or a config that resolves; within a time budget, with the
// built-in prototypes untouched. Bounded and seeded in `npm test`; `npm run fuzz` runs FUZZ_RUNS (100,000).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/index.js';
import { inspectIni, parseIni } from '../../src/ini/index.js';
import type { IniReadOptions } from '../../src/ini/index.js';
import { iniCase, SELF_FILE } from '../helpers/arbitraries.js';
import type { IniCase } from '../helpers/arbitraries.js';
import {
  expectConfigError,
  expectPrototypesUntouched,
  expectResolvedConfig,
  expectWithinBudget,
  PROPERTY_SEED,
  propertyRuns,
  propertyTimeout,
  snapshotPrototypes,
  timed,
} from '../helpers/property-checks.js';
import { CORPUS, HAVE_CORPUS, caseText, corpusCases, envFor, fileOptions } from './corpus-helpers.js';

/** Seeds of our own, so that the property runs without the corpus too. */
const OWN_SEEDS = [
  {
    name: 'own:numprocs',
    text:
      '[supervisord]\nidentifier=%(ENV_USER)s\n[program:web]\ncommand=/bin/echo %(process_num)02d %(here)s\n' +
      'numprocs=3\nprocess_name=%(program_name)s_%(process_num)02d\nstdout_logfile_maxbytes=1KB\n' +
      'stopsignal=INT\nexitcodes=0,2\nautorestart=unexpected\n',
  },
  {
    name: 'own:sections',
    text:
      '[DEFAULT]\nstartsecs=0\n[supervisord]\nenvironment=A="1",B=\'x y\'\n[program:a]\ncommand=sleep 1\n' +
      'environment=C="%(ENV_A)s"\n[program:b]\ncommand = cat ; comment\n  continued\n[group:g]\nprograms=a,b\n' +
      '[eventlistener:l]\ncommand=cat\nevents=PROCESS_STATE,TICK_5\nbuffer_size=3\n',
  },
  {
    name: 'own:include',
    text: '[supervisord]\n[include]\nfiles = *.conf %(here)s/conf.d/*.ini\n[program:x]\ncommand=true\n',
  },
];

interface Seed {
  readonly name: string;
  readonly text: string;
  /** The corpus file, read where it is; undefined for our own seeds. */
  readonly file?: string;
}

const seeds: Seed[] = [
  ...corpusCases().map((name) => ({
    name,
    text: caseText(name),
    file: path.join(CORPUS, 'files', `${name}.conf`),
  })),
  ...OWN_SEEDS,
];
const seedFiles = new Map(seeds.map((s) => [s.name, s.file]));
const envs = new Map<string, Record<string, string>>();

describe('property: a mutated supervisord.conf is read, or is a ConfigError', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ini-property-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A corpus case is read in place (its includes are found); one that includes itself, from `dir`. */
  function optionsFor(c: IniCase): IniReadOptions & { env: Record<string, string> } {
    const seedFile = seedFiles.get(c.seed);
    const opts = fileOptions(c.selfInclude || seedFile === undefined ? path.join(dir, SELF_FILE) : seedFile);
    let env = envs.get(c.seed);
    if (env === undefined) envs.set(c.seed, (env = seedFile === undefined ? opts.env : envFor(seedFile)));
    return { ...opts, env };
  }

  it(
    `parseIni and inspectIni (${HAVE_CORPUS ? `${seeds.length} seeds` : `the corpus is missing at ${CORPUS}: our ${seeds.length} seeds only`})`,
    () => {
      const prototypes = snapshotPrototypes();
      fc.assert(
        fc.property(iniCase(seeds), (c) => {
          const opts = optionsFor(c);
          if (c.selfInclude) writeFileSync(opts.file ?? '', c.text);
          const parsed = timed(() => {
            const config = parseIni(c.text, opts);
            // What parseIni returns is a config resolveConfig accepts: it has been checked with it.
            return resolveConfig(config, { env: opts.env, hostNodeName: opts.hostNodeName ?? '' });
          });
          expectWithinBudget(parsed, 'parseIni + resolveConfig');
          if (parsed.ok) expectResolvedConfig(parsed.value);
          else expectConfigError(parsed.error);

          const inspected = timed(() => inspectIni(c.text, opts));
          expectWithinBudget(inspected, 'inspectIni');
          if (inspected.ok) {
            expect(Array.isArray(inspected.value.groups)).toBe(true);
            expect(Array.isArray(inspected.value.warnings)).toBe(true);
          } else {
            expectConfigError(inspected.error);
            // inspectIni only reads: what it rejects, parseIni (which reads, then resolves) rejects too.
            expect(parsed.ok).toBe(false);
          }
          expectPrototypesUntouched(prototypes);
        }),
        { seed: PROPERTY_SEED, numRuns: propertyRuns(400) },
      );
    },
    propertyTimeout,
  );
});
