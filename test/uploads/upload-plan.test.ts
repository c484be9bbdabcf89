import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRemotePath } from '../../src/main/api/file-transfer';
import { planUpload, remotePathFor, sanitizeSegment } from '../../src/main/uploads/upload-plan';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

describe('sanitizeSegment', () => {
  it.each([
    ['plain.txt', 'plain.txt'],
    ['.bashrc', '.bashrc'],
    ['..', '__'],
    ['.', '_'],
    ['...', '___'],
    ['', '_'],
    ['   ', '___'],
    ['con', '_con'],
    ['CON.txt', '_CON.txt'],
    ['nul', '_nul'],
    ['com1.log', '_com1.log'],
    ['lpt9', '_lpt9'],
    ['console.txt', 'console.txt'],
    ['a/b', 'a_b'],
    ['a\\b', 'a_b'],
    ['a\0b', 'a_b'],
    ['tab\there\nnew', 'tab_here_new'],
    ['bell\u0007\u007f\u0085', 'bell___'],
    ['a:b*?"<>|.txt', 'a_b______.txt'],
    ['evil\u202etxt.exe', 'evil_txt.exe'],
    ['trailing. ', 'trailing__'],
    ['report 😀.txt', 'report 😀.txt'],
    ['Grüße', 'Grüße'],
    ['e\u0301t\u00e9', '\u00e9t\u00e9'], // NFD (macOS) becomes NFC
  ])('%j → %j', (input, expected) => {
    expect(sanitizeSegment(input)).toBe(expected);
  });

  it('limits a 300-character name to 255 bytes and keeps its extension', () => {
    const out = sanitizeSegment(`${'x'.repeat(300)}.txt`);
    expect(bytes(out)).toBeLessThanOrEqual(255);
    expect(out).toBe(`${'x'.repeat(251)}.txt`);
  });

  it('cuts long emoji names on whole code points', () => {
    const out = sanitizeSegment('😀'.repeat(100));
    expect(bytes(out)).toBeLessThanOrEqual(255);
    expect(out).toBe('😀'.repeat(63));
    expect(out).not.toMatch(/[\ud800-\udfff](?![\udc00-\udfff])/u);
  });

  it('never yields a segment checkRemotePath refuses', () => {
    for (const name of ['..', '.', 'a/../b', '\0', '/', '\\..\\', 'x\r\n']) {
      const path = remotePathFor('/workspace/project', [name]);
      expect(checkRemotePath(path)).toBe(path);
      expect(path.split('/')).toHaveLength(4);
    }
  });
});

describe('planUpload', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'openhands-plan-test-'));
    await mkdir(join(root, 'proj', 'sub', 'deep'), { recursive: true });
    await mkdir(join(root, 'outside'));
    await writeFile(join(root, 'outside', 'secret.txt'), 'secret');
    await writeFile(join(root, 'proj', 'a.txt'), 'aaaa');
    await writeFile(join(root, 'proj', 'we:ird?.txt'), 'w');
    await writeFile(join(root, 'proj', 'sub', 'b.bin'), Buffer.alloc(1000));
    await writeFile(join(root, 'proj', 'sub', 'deep', 'c.txt'), 'cc');
    await symlink(join(root, 'outside', 'secret.txt'), join(root, 'proj', 'link-out'));
    await symlink(join(root, 'outside'), join(root, 'proj', 'link-out-dir'));
    await symlink(join(root, 'proj', 'a.txt'), join(root, 'proj', 'sub', 'link-in'));
    await symlink(join(root, 'proj', 'sub'), join(root, 'proj', 'link-dir'));
    await symlink(join(root, 'nowhere'), join(root, 'proj', 'dangling'));
    try {
      execFileSync('mkfifo', [join(root, 'proj', 'pipe')]);
    } catch {
      // no mkfifo: the special-file case is not exercised
    }
    await writeFile(join(root, 'single.txt'), 'single');
    await utimes(join(root, 'single.txt'), new Date(1_700_000_000_000), new Date(1_700_000_000_000));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('walks a folder recursively under the target, keeping the folder name', async () => {
    const plan = await planUpload([join(root, 'proj')], { targetDir: '/workspace/project' });
    const remotes = plan.files.map((f) => f.remotePath).sort();
    expect(remotes).toEqual([
      '/workspace/project/proj/a.txt',
      '/workspace/project/proj/sub/b.bin',
      '/workspace/project/proj/sub/deep/c.txt',
      '/workspace/project/proj/sub/link-in',
      '/workspace/project/proj/we_ird_.txt',
    ]);
    expect(plan.count).toBe(5);
    expect(plan.totalBytes).toBe(4 + 1 + 1000 + 2 + 4);
    expect(plan.needsConfirmation).toBe(false);
    const b = plan.files.find((f) => f.remotePath.endsWith('b.bin'))!;
    expect(b).toMatchObject({ localPath: join(root, 'proj', 'sub', 'b.bin'), size: 1000 });
    expect(b.mtimeMs).toBeGreaterThan(0);
  });

  it('never follows a symbolic link out of the tree, nor into folders; reports what it skipped', async () => {
    const plan = await planUpload([join(root, 'proj')]);
    expect(plan.files.some((f) => f.remotePath.includes('secret') || f.remotePath.includes('link-out'))).toBe(
      false,
    );
    const reasons = Object.fromEntries(plan.skipped.map((s) => [s.path.slice(root.length), s.reason]));
    expect(reasons['/proj/link-out']).toMatch(/outside/);
    expect(reasons['/proj/link-out-dir']).toMatch(/outside/);
    expect(reasons['/proj/link-dir']).toMatch(/not followed/);
    expect(reasons['/proj/dangling']).toMatch(/nothing/);
    if (plan.skipped.some((s) => s.path.endsWith('pipe')))
      expect(reasons['/proj/pipe']).toMatch(/not a regular file/);
  });

  it('uses the default target /workspace/project and records size and mtime for a dropped file', async () => {
    const plan = await planUpload([join(root, 'single.txt')]);
    expect(plan.files).toEqual([
      {
        localPath: join(root, 'single.txt'),
        remotePath: '/workspace/project/single.txt',
        size: 6,
        mtimeMs: 1_700_000_000_000,
      },
    ]);
  });

  it('reports missing paths and refuses a relative or `..` target', async () => {
    const plan = await planUpload([join(root, 'missing.txt')]);
    expect(plan.files).toEqual([]);
    expect(plan.skipped).toEqual([
      { path: join(root, 'missing.txt'), reason: 'cannot be read: no longer exists' },
    ]);
    await expect(planUpload([], { targetDir: 'workspace' })).rejects.toMatchObject({ kind: 'bad-request' });
    await expect(planUpload([], { targetDir: '/workspace/../etc' })).rejects.toMatchObject({
      kind: 'bad-request',
    });
  });

  it('asks for confirmation above the count or size threshold', async () => {
    const dir = join(root, 'proj');
    expect((await planUpload([dir], { maxFilesWithoutConfirm: 5 })).needsConfirmation).toBe(false);
    expect((await planUpload([dir], { maxFilesWithoutConfirm: 4 })).needsConfirmation).toBe(true);
    expect((await planUpload([dir], { maxBytesWithoutConfirm: 1011 })).needsConfirmation).toBe(false);
    expect((await planUpload([dir], { maxBytesWithoutConfirm: 1010 })).needsConfirmation).toBe(true);
  });

  it('skips a second file that would land on the same sanitised name', async () => {
    const dir = join(root, 'clash');
    await mkdir(dir);
    await writeFile(join(dir, 'a:b'), '1');
    await writeFile(join(dir, 'a?b'), '2');
    const plan = await planUpload([dir]);
    expect(plan.files.map((f) => f.remotePath)).toEqual(['/workspace/project/clash/a_b']);
    expect(plan.skipped[0]?.reason).toMatch(/would overwrite/);
  });

  it.skipIf(process.getuid?.() === 0)('reports unreadable files and folders', async () => {
    const dir = join(root, 'locked');
    await mkdir(join(dir, 'closed'), { recursive: true });
    await writeFile(join(dir, 'nope.txt'), 'x');
    await chmod(join(dir, 'nope.txt'), 0o000);
    await chmod(join(dir, 'closed'), 0o000);
    try {
      const plan = await planUpload([dir]);
      expect(plan.files).toEqual([]);
      expect(plan.skipped.map((s) => s.reason).sort()).toEqual([
        'cannot be read: permission denied',
        'folder cannot be read: permission denied',
      ]);
    } finally {
      await chmod(join(dir, 'closed'), 0o755);
    }
  });
});
