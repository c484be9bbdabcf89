import { describe, expect, it } from 'vitest';
import { KeychainUnavailableError } from '../../src/main/accounts/secret-store';
import { startupFailureText } from '../../src/main/shell/startup-failure';

const context = {
  dataDir: '/home/u/.config/OpenHands Desktop',
  logFile: '/home/u/.config/OpenHands Desktop/logs/main.log',
};

function errno(code: string): Error {
  return Object.assign(new Error(`${code}: failed`), { code });
}

describe('the start-up failure dialog', () => {
  it('names an unusable data folder and what to do about it, and where the log is', () => {
    for (const code of ['EACCES', 'EROFS', 'ENOSPC']) {
      const text = startupFailureText(errno(code), { ...context, language: 'en' });
      expect(text.title).toBe('OpenHands Desktop could not start');
      expect(text.body).toContain(`Its data folder cannot be used: ${context.dataDir}`);
      expect(text.body).toContain('--user-data-dir=<folder>');
      expect(text.body.endsWith(`Details are in the log: ${context.logFile}`)).toBe(true);
    }
  });

  it('says a hanging keychain is the problem', () => {
    const text = startupFailureText(
      new KeychainUnavailableError('timeout', 'keychain read took over 5000 ms'),
      {
        ...context,
        language: 'en',
      },
    );
    expect(text.body).toMatch(/^The system keychain did not answer/);
  });

  it('gives anything else its own message, without the class name', () => {
    const text = startupFailureText(new TypeError('settings.json is a folder'), {
      ...context,
      language: 'en',
    });
    expect(text.body).toMatch(/^Something failed while starting: settings.json is a folder\n/);
    expect(text.body).not.toContain('TypeError');
  });

  it('shows a reason and paths as they are, even when they look like placeholders', () => {
    const text = startupFailureText(new Error('bad key {dir} $t(startup.title)'), {
      dataDir: '/data/{file}',
      logFile: '/logs/{reason}.log',
      language: 'en',
    });
    expect(text.body).toBe(
      'Something failed while starting: bad key {dir} $t(startup.title)\n\nDetails are in the log: /logs/{reason}.log',
    );
  });

  it('speaks Simplified Chinese', () => {
    const text = startupFailureText(errno('EACCES'), { ...context, language: 'zh-CN' });
    expect(text.title).toBe('OpenHands Desktop 无法启动');
    expect(text.body).toMatch(/^无法使用其数据文件夹：/);
    expect(text.body).toContain(`详细信息见日志：${context.logFile}`);
  });
});
