// node:fs/promises with write failures injected, for `vi.mock('node:fs/promises', …)`: the tests run as root,
// where a chmod'ed folder is still writable, so a read-only data folder (EROFS) or a full disk (ENOSPC) is
// simulated instead. While `fault.code` is set, every open for writing, writeFile, rename and write on an
// open file fails with that errno (`fault.writes` counts them); reads go through untouched. With
// `partialOnFull`, a write on a full disk first writes half of its data, as a real one can.
import type * as FsPromises from 'node:fs/promises';

export interface FsFault {
  code: string | null;
  writes: number;
}

export function faultyFsPromises(
  real: typeof FsPromises,
  fault: FsFault,
  options: { partialOnFull: boolean },
): typeof FsPromises {
  const injected = (what: string): Promise<never> => {
    fault.writes += 1;
    return Promise.reject(
      Object.assign(new Error(`${fault.code}: injected (${what})`), { code: fault.code }),
    );
  };
  const open: typeof real.open = async (file, flags, mode) => {
    if (fault.code && typeof flags === 'string' && flags !== 'r') return injected(`open ${String(file)}`);
    const handle = await real.open(file, flags, mode);
    // A file opened before the fault: its writes fail too.
    const write = handle.write.bind(handle) as (data: string) => Promise<unknown>;
    const guarded = async (data: unknown): Promise<unknown> => {
      if (!fault.code || typeof data !== 'string') return write(data as string);
      if (options.partialOnFull && fault.code === 'ENOSPC') await write(data.slice(0, data.length >> 1));
      return injected(`write ${String(file)}`);
    };
    Object.assign(handle, { write: guarded });
    return handle;
  };
  const writeFile: typeof real.writeFile = (file, data, writeOptions) =>
    fault.code ? injected('writeFile') : real.writeFile(file, data, writeOptions);
  const rename: typeof real.rename = (from, to) =>
    fault.code ? injected(`rename ${String(from)}`) : real.rename(from, to);
  return { ...real, open, writeFile, rename };
}
