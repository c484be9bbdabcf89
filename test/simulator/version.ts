/** Compares dotted versions numerically (`1.10.0` > `1.9.2`); a pre-release or build suffix is ignored. */
export function versionAtLeast(version: string, min: string): boolean {
  const parts = (v: string): number[] =>
    v
      .replace(/[-+].*$/, '')
      .split('.')
      .map(Number);
  const a = parts(version);
  const b = parts(min);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}
