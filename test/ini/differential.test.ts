import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ORACLE_CASES } from './oracle-cases.js';
import { ORACLE_MISSING, pythonParse, writeCases } from './python-oracle.js';
import { checkPipeline, ourView } from './pipeline.js';

// The cases are written once to a temporary directory and parsed by supervisord once, for both blocks.
const { root, files } = ORACLE_MISSING === null ? writeCases(ORACLE_CASES) : { root: null, files: [] };
const theirs = ORACLE_MISSING === null ? pythonParse(files) : [];
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe.skipIf(ORACLE_MISSING !== null)('differential: inspectIni equals supervisord 4.2.5', () => {
  ORACLE_CASES.forEach((c, i) => {
    it(c.name, () => {
      expect(ourView(files[i] ?? '')).toEqual(theirs[i]);
    });
  });
});

it.skipIf(ORACLE_MISSING === null)(`differential tests skipped: ${ORACLE_MISSING ?? ''}`, () => {});

/** Cases where procvisor deliberately differs from supervisord (docs/ini.md); they must be rejected. */
const KNOWN_PIPELINE: Readonly<Record<string, string>> = {};

describe.skipIf(ORACLE_MISSING !== null)(
  'differential: parseIni + resolveConfig + toIni equal supervisord',
  () => {
    ORACLE_CASES.forEach((c, i) => {
      it(c.name, () => {
        checkPipeline(files[i] ?? '', theirs[i] ?? {}, KNOWN_PIPELINE[c.name]);
      });
    });
  },
);
