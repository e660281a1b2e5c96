// Property: any input to resolveConfig is either a ConfigError that lists its issues, or a valid, frozen
// configuration; within a time budget, with the built-in prototypes untouched and the input not frozen.
// Bounded and seeded in `npm test`; `npm run fuzz` runs FUZZ_RUNS (100,000) cases.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { resolveConfig, validateConfig } from '../../src/index.js';
import { configInput } from '../helpers/arbitraries.js';
import {
  expectConfigError,
  expectNotFrozen,
  expectPrototypesUntouched,
  expectResolvedConfig,
  expectWithinBudget,
  PROPERTY_SEED,
  propertyRuns,
  propertyTimeout,
  snapshotPrototypes,
  timed,
} from '../helpers/property-checks.js';

const opts = {
  env: { HOME: '/home/user', N: '3', EMPTY: '', PATH: '/usr/bin:/bin', polluted: 'env' },
  hostNodeName: 'box',
};

describe('property: a configuration object resolves, or is a ConfigError', () => {
  it(
    'resolveConfig and validateConfig',
    () => {
      const prototypes = snapshotPrototypes();
      fc.assert(
        fc.property(configInput, fc.boolean(), (input, throwing) => {
          // validateConfig is resolveConfig without the throw; every other case uses it.
          const outcome = timed(() => {
            if (throwing) return resolveConfig(input as never, opts);
            const result = validateConfig(input, opts);
            if (result.ok) return result.config;
            throw result.error;
          });
          expectWithinBudget(outcome, throwing ? 'resolveConfig' : 'validateConfig');
          if (outcome.ok) expectResolvedConfig(outcome.value);
          else expectConfigError(outcome.error);
          expectPrototypesUntouched(prototypes);
          expectNotFrozen(input);
        }),
        { seed: PROPERTY_SEED, numRuns: propertyRuns(2000) },
      );
    },
    propertyTimeout,
  );
});
