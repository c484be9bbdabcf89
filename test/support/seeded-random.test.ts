import { describe, expect, it, vi } from 'vitest';
import { trialRandom, trialSeed } from './seeded-random';

describe('the seed of randomised crash trials', () => {
  it('takes CRASH_SEED when given, prints it with how to replay, and rejects a malformed one', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(trialSeed('trials', 'test/x.test.ts', '1234')).toBe(1234);
      expect(log).toHaveBeenCalledWith(
        'trials: seed 1234 (replay: CRASH_SEED=1234 npm run test:unit -- test/x.test.ts)',
      );
      const fresh = trialSeed('trials', 'test/x.test.ts', undefined);
      expect(Number.isInteger(fresh) && fresh >= 0 && fresh <= 0xffffffff).toBe(true);
      expect(log).toHaveBeenLastCalledWith(expect.stringContaining(`CRASH_SEED=${fresh} `));
      expect(() => trialSeed('trials', 'test/x.test.ts', '12ab')).toThrow(/CRASH_SEED/);
    } finally {
      log.mockRestore();
    }
  });

  it('gives each trial the same numbers under the same seed, whatever order trials run in', () => {
    const draw = (seed: number, n: number): number[] => {
      const random = trialRandom(seed, n);
      return [random(), random(), random()];
    };
    const forward = [0, 1, 2, 3].map((n) => draw(42, n));
    const backward = [3, 2, 1, 0].map((n) => draw(42, n)).reverse();
    expect(backward).toEqual(forward);
    expect(new Set(forward.map((d) => d[0])).size).toBe(4); // trials differ from each other
    expect(draw(43, 0)).not.toEqual(draw(42, 0)); // and from another seed
  });
});
