import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';

export type GitChangeStatus = 'ADDED' | 'UPDATED' | 'DELETED' | 'MOVED';

/**
 * One sandbox's filesystem, kept in a host folder, plus a tiny stand-in for git: a repository is a
 * folder that holds `.git`, and its last commit is the content recorded by `commit`. Everything written
 * afterwards (by the scripted agent or by uploads) shows up in `/api/git/changes` and `/api/git/diff`.
 */
export class SandboxFiles {
  /** Sandbox path of a committed file → its committed text. */
  private readonly committed = new Map<string, string>();

  constructor(private readonly root: string) {}

  /** Maps an absolute sandbox path into the host folder; never outside it. */
  hostPath(sandboxPath: string): string {
    return join(this.root, posix.normalize(sandboxPath));
  }

  writeText(sandboxPath: string, text: string): void {
    const target = this.hostPath(sandboxPath);
    mkdirSync(join(target, '..'), { recursive: true });
    writeFileSync(target, text);
  }

  readText(sandboxPath: string): string | null {
    try {
      return readFileSync(this.hostPath(sandboxPath), 'utf8');
    } catch {
      return null;
    }
  }

  /** Makes `dir` a repository whose last commit holds `files` (relative path → text), written to disk. */
  initRepository(dir: string, files: Record<string, string>): void {
    if (existsSync(this.hostPath(posix.join(dir, '.git')))) return;
    mkdirSync(this.hostPath(posix.join(dir, '.git')), { recursive: true });
    for (const [rel, text] of Object.entries(files)) {
      const path = posix.join(dir, rel);
      this.writeText(path, text);
      this.committed.set(path, text);
    }
  }

  /** The repository that holds `sandboxPath`: the nearest folder at or above it with a `.git`. */
  repositoryOf(sandboxPath: string): string | undefined {
    let dir = posix.normalize(sandboxPath);
    for (;;) {
      const git = this.hostPath(posix.join(dir, '.git'));
      if (existsSync(git) && statSync(git).isDirectory()) return dir;
      if (dir === '/') return undefined;
      dir = posix.dirname(dir);
    }
  }

  /** `git status` of the repository holding `sandboxPath`, paths relative to the repository; [] outside one. */
  changes(sandboxPath: string): { status: GitChangeStatus; path: string }[] {
    const repo = this.repositoryOf(sandboxPath);
    if (repo === undefined) return [];
    const onDisk = this.filesUnder(repo);
    const out: { status: GitChangeStatus; path: string }[] = [];
    for (const path of onDisk) {
      const before = this.committed.get(path);
      if (before === undefined) out.push({ status: 'ADDED', path: posix.relative(repo, path) });
      else if (before !== this.readText(path))
        out.push({ status: 'UPDATED', path: posix.relative(repo, path) });
    }
    for (const path of this.committed.keys())
      if (path.startsWith(`${repo}/`) && !onDisk.includes(path))
        out.push({ status: 'DELETED', path: posix.relative(repo, path) });
    return out.sort((a, b) => a.path.localeCompare(b.path));
  }

  /** `{modified, original}` of one file against the last commit; both null outside a repository. */
  diff(sandboxPath: string): { modified: string | null; original: string | null } {
    const path = posix.normalize(sandboxPath);
    if (this.repositoryOf(posix.dirname(path)) === undefined) return { modified: null, original: null };
    return { modified: this.readText(path), original: this.committed.get(path) ?? null };
  }

  /** Sandbox paths of every file below `dir` (`.git` excluded). */
  private filesUnder(dir: string): string[] {
    const out: string[] = [];
    const walk = (sandboxDir: string): void => {
      let entries;
      try {
        entries = readdirSync(this.hostPath(sandboxDir), { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        if (entry.name === '.git') continue;
        const path = posix.join(sandboxDir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.isFile()) out.push(path);
      }
    };
    walk(dir);
    return out;
  }
}
