import path from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { inspectIni } from '../../../src/ini/index.js';
import { fileOptions, replaceHere } from './corpus-helpers.js';
import { ORACLE_CASES } from './oracle-cases.js';
import { ORACLE_MISSING, pythonParse, writeCases } from './python-oracle.js';
import { checkPipeline } from './pipeline.js';

/** Our view of a file, in reference.py's JSON shape (an error as `{ error }`). */
export function ourView(file: string): unknown {
  try {
    const { warnings: _w, ...model } = inspectIni(readFileSync(file, 'utf8'), fileOptions(file));
    return replaceHere(model, path.dirname(file));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return replaceHere({ error: err.issues[0]?.message }, path.dirname(file));
  }
}

describe.skipIf(ORACLE_MISSING !== null)('differential: inspectIni equals supervisord 4.2.5', () => {
  const { files } = ORACLE_MISSING === null ? writeCases(ORACLE_CASES) : { files: [] };
  const theirs = ORACLE_MISSING === null ? pythonParse(files) : [];
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
    const { files } = ORACLE_MISSING === null ? writeCases(ORACLE_CASES) : { files: [] };
    const theirs = ORACLE_MISSING === null ? pythonParse(files) : [];
    ORACLE_CASES.forEach((c, i) => {
      it(c.name, () => {
        checkPipeline(files[i] ?? '', theirs[i] ?? {}, KNOWN_PIPELINE[c.name]);
      });
    });
  },
);
