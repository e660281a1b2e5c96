import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { inspectIni } from '../../src/ini/index.js';
import {
  CORPUS,
  HAVE_CORPUS,
  caseOptions,
  caseText,
  corpusCases,
  expected,
  replaceHere,
} from './corpus-helpers.js';

// supervisord's own view (inspectIni) of every corpus case equals reference.py's expected JSON.
describe.skipIf(!HAVE_CORPUS)('ini-corpus: supervisord view (inspectIni)', () => {
  for (const name of corpusCases()) {
    it(name, () => {
      const opts = caseOptions(name);
      const want = expected(name);
      let got: unknown;
      try {
        const { warnings: _w, unknownKeys: _u, ...model } = inspectIni(caseText(name), opts);
        got = model;
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        got = { error: err.issues[0]?.message };
      }
      expect(replaceHere(got, path.join(CORPUS, 'files'))).toEqual(want);
    });
  }
});
