// The machine and the commit a run was made on, for the table's header.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  cpu: string;
  cores: number;
  ramGiB: number;
  os: string;
  node: string;
}

export interface CommitInfo {
  sha: string | null;
  /** Uncommitted changes were present in the work tree (the figures may not match the commit exactly). */
  dirty: boolean;
}

function osName(): string {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(release)?.[1];
    if (pretty) return `${pretty} (${os.type()} ${os.release()}, ${os.arch()})`;
  } catch {
    // not Linux, or no os-release
  }
  return `${os.type()} ${os.release()} (${os.arch()})`;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    ramGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: osName(),
    node: process.version,
  };
}

export function commitInfo(cwd: string): CommitInfo {
  const git = (...args: string[]): string | null => {
    try {
      return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null;
    }
  };
  const sha = git('rev-parse', 'HEAD');
  const status = git('status', '--porcelain', '--untracked-files=no');
  return { sha, dirty: status !== null && status.length > 0 };
}
