import path from 'node:path';
import { describe, it } from 'vitest';
import { CORPUS, HAVE_CORPUS, corpusCases, expected } from './corpus-helpers.js';
import { checkPipeline } from './pipeline.js';

/**
 * Known differences between procvisor and supervisord on the corpus (also listed in docs/ini.md). Each must
 * still be rejected, so that a change shows up here.
 */
const KNOWN: Readonly<Record<string, string>> = {};

describe.skipIf(!HAVE_CORPUS)('ini-corpus: parseIni + resolveConfig + toIni round trip', () => {
  for (const name of corpusCases()) {
    it(name, () => {
      checkPipeline(path.join(CORPUS, 'files', `${name}.conf`), expected(name), KNOWN[name]);
    });
  }
});

it.skipIf(HAVE_CORPUS)(`ini-corpus tests skipped: ${CORPUS} not found`, () => {});
