import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPipeline, ourView } from './pipeline.js';
import { ORACLE_MISSING, pythonParse } from './python-oracle.js';

// supervisord's own test fixtures (Debian's package), read in place, compared with its ServerOptions.
const FIXTURES = '/usr/lib/python3/dist-packages/supervisor/tests/fixtures';

describe.skipIf(ORACLE_MISSING !== null)('supervisor tests/fixtures/*.conf', () => {
  const files =
    ORACLE_MISSING === null
      ? readdirSync(FIXTURES)
          .filter((f) => f.endsWith('.conf'))
          .sort()
          .map((f) => path.join(FIXTURES, f))
      : [];
  const theirs = files.length > 0 ? pythonParse(files) : [];
  files.forEach((file, i) => {
    const want = theirs[i] ?? {};
    it(`${path.basename(file)}: inspectIni`, () => {
      expect(ourView(file)).toEqual(want);
    });
    it(`${path.basename(file)}: parseIni + resolveConfig + toIni`, () => {
      checkPipeline(file, want);
    });
  });
});

it.skipIf(ORACLE_MISSING === null)(`supervisor fixture tests skipped: ${ORACLE_MISSING ?? ''}`, () => {});
