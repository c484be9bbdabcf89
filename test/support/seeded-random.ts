/** mulberry32: a small seeded PRNG, so simulated faults, jitter and generated data repeat run after run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The seed of a run of randomised trials (crash trials: when each child is killed): `CRASH_SEED` from the
 * environment to replay a run, else a fresh one. Printed with how to replay it, so a failure seen once can
 * be run again with the same kill moments.
 */
export function trialSeed(
  name: string,
  file: string,
  fromEnv = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.CRASH_SEED,
): number {
  let seed: number;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!/^\d+$/.test(fromEnv) || Number(fromEnv) > 0xffffffff)
      throw new Error(`CRASH_SEED must be a whole number from 0 to 4294967295, not "${fromEnv}"`);
    seed = Number(fromEnv);
  } else seed = Math.floor(Math.random() * 0x100000000);
  console.log(`${name}: seed ${seed} (replay: CRASH_SEED=${seed} npm run test:unit -- ${file})`);
  return seed;
}

/**
 * Trial `n`'s own random numbers under `seed`: the same for that trial whatever order the trials run in
 * (they run several at a time), so a replay gives each trial the values it had.
 */
export function trialRandom(seed: number, n: number): () => number {
  return seededRandom((seed ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0);
}
