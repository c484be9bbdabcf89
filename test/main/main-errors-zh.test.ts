// Main's own user-facing messages (catalog area `mainErrors`) come out in the app's language: with Chinese set,
// the real modules word their errors and labels in Chinese; file names, paths and ids stay as they are.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountService } from '../../src/main/accounts/account-service';
import { KeytarSecretStore, MemorySecretStore } from '../../src/main/accounts/secret-store';
import type { OpenHandsServer } from '../../src/main/api/openhands-server';
import { toBridgeError } from '../../src/main/bridge/dispatch';
import { setMainLanguage } from '../../src/main/i18n';
import { MemoryLogger } from '../../src/main/logger';
import { summarize } from '../../src/main/outbox/executors';
import { planUpload } from '../../src/main/uploads/upload-plan';
import { runUpload } from '../../src/main/uploads/upload-runner';
import { stagedSegments } from '../../src/main/uploads/upload-staging';

const ref = { serverId: 's', id: 'a'.repeat(32), version: 'V1' } as const;
/** runUpload refuses a changed file before it talks to any server. */
const noServer = undefined as unknown as OpenHandsServer;

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'main-errors-zh-'));
});

afterEach(async () => {
  setMainLanguage('en');
  await rm(dir, { recursive: true, force: true });
});

describe('main-process messages in Chinese', () => {
  it('an upload of a file changed since it was queued is refused in Chinese, its name untouched', async () => {
    const file = path.join(dir, 'report.txt');
    await writeFile(file, 'now longer than when it was queued');
    setMainLanguage('zh-CN');
    await expect(
      runUpload(
        noServer,
        ref,
        { localPath: file, remotePath: '/workspace/project/report.txt', size: 3, mtimeMs: 0 },
        { signal: new AbortController().signal, onProgress: () => undefined },
      ),
    ).rejects.toMatchObject({
      kind: 'bad-request',
      message:
        'report.txt 在加入队列后已被修改（大小或修改时间不同），因此未上传；请重新添加，以发送当前版本。',
    });
  });

  it('skipped dropped items and refused staged names say why in Chinese', async () => {
    const folder = path.join(dir, 'photos');
    await mkdir(folder);
    await symlink(path.join(dir, 'nowhere'), path.join(folder, 'dangling'));
    setMainLanguage('zh-CN');
    const plan = await planUpload([folder, path.join(dir, 'missing.txt')]);
    expect(plan.skipped).toEqual([
      { path: path.join(folder, 'dangling'), reason: '符号链接指向的目标不存在' },
      { path: path.join(dir, 'missing.txt'), reason: '无法读取：已不存在' },
    ]);
    expect(() => stagedSegments('/etc/passwd')).toThrow('暂存的文件名必须是相对路径。');
  });

  it('keychain problems are worded in the language of the moment, with the command that fixes them', async () => {
    const store = new KeytarSecretStore({ moduleId: 'keytar-absent-in-this-test' });
    setMainLanguage('zh-CN');
    const status = await store.probe();
    expect(status).toMatchObject({
      state: 'unavailable',
      reason: 'module-missing',
      message:
        '无法使用系统钥匙串：它的支持模块（keytar）未安装或无法加载，因此在钥匙串恢复可用之前，API 密钥仅在本次运行期间保留。您可以只在本次运行期间保留密钥；重新启动 OpenHands Desktop 后需要重新输入。如需在开发环境中修复：在 Debian/Ubuntu 上运行 `sudo apt-get install libsecret-1-dev pkg-config`，然后运行 `npm rebuild keytar`。',
    });
    // The missing module is remembered, not its wording: back in English, the same store says it in English.
    setMainLanguage('en');
    await expect(store.get('any')).rejects.toThrow(
      /^The system keychain cannot be used because its support module \(keytar\)/,
    );
  });

  it('a damaged servers file is reported in Chinese, with where it was kept', async () => {
    await writeFile(path.join(dir, 'servers.json'), '{ not json');
    const accounts = await AccountService.open({
      dataDir: dir,
      keychain: new MemorySecretStore(),
      now: () => new Date('2025-01-02T03:04:05.006Z'),
    });
    setMainLanguage('zh-CN');
    const movedTo = path.join(dir, 'servers.json.corrupt-2025-01-02T03-04-05-006Z');
    expect(accounts.loadProblem?.message).toBe(
      `无法读取已保存的服务器，因为设置文件已损坏。该文件已另存为“${movedTo}”，应用已在没有服务器的情况下启动；请重新添加服务器。`,
    );
    await expect(accounts.getApiKey('gone')).rejects.toThrow('该服务器已不存在。');
  });

  it('queued actions and the bridge fallback are labelled in Chinese; the user’s own text is kept', () => {
    setMainLanguage('zh-CN');
    expect(summarize({ kind: 'rename', ref, title: 'Q3 plan' })).toBe('重命名为“Q3 plan”');
    expect(summarize({ kind: 'pause-agent', ref })).toBe('暂停智能体');
    expect(toBridgeError(new Error('boom'), new MemoryLogger())).toEqual({
      code: 'internal',
      message: '应用出了点问题。详细信息请查看日志。',
    });
  });
});
