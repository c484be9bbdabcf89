// Test connection and the API errors in the app's language (catalog areas `connection` and `apiErrors`): with
// Chinese chosen, the summary and the problem it reports are whole Chinese sentences; host names and the
// server's own words stay as they are. English stays the default (test-connection.test.ts, errors.test.ts).
import { describe, expect, it } from 'vitest';
import { errorForStatus } from '../../src/main/api/errors';
import { testConnection } from '../../src/main/api/test-connection';
import { setMainLanguage } from '../../src/main/i18n';
import { useMainLanguage } from '../support/main-language';
import { useSimulator } from '../support/sim';
import { closedPort, makeServer } from './support';

const SESSION_KEY = 'self-hosted-session-secret';

describe('Test connection in Simplified Chinese', () => {
  useMainLanguage('zh-CN');

  describe('a self-hosted server that refuses the key (SESSION_API_KEY)', () => {
    const sim = useSimulator({ stepMs: 5, sessionApiKey: SESSION_KEY });

    it('a wrong key: the summary and the problem are in Chinese', async () => {
      const host = new URL(sim().url).host;
      const report = await testConnection(makeServer(sim().url, { key: 'not-the-secret' }), true);
      expect(report).toMatchObject({ ok: false, reachable: true, authenticated: false, appMode: 'oss' });
      expect(report.summary).toBe(`${host} 受 SESSION_API_KEY 保护，而您输入的密钥与之不匹配。`);
      expect(report.problem).toMatchObject({ kind: 'unauthorized', status: 401 });
      // The server's own reason ("Unauthorized") is passed on as it sent it.
      expect(report.problem?.message).toBe(
        `${host} 未接受该 API 密钥。请检查该服务器设置中的密钥。（Unauthorized）`,
      );
    });

    it('no key: asks for the SESSION_API_KEY value, in Chinese', async () => {
      const host = new URL(sim().url).host;
      const report = await testConnection(makeServer(sim().url), false);
      expect(report.summary).toBe(`${host} 受 SESSION_API_KEY 保护：请将该值填写为此服务器的 API 密钥。`);
    });

    it('the right key: "connected" in Chinese', async () => {
      const host = new URL(sim().url).host;
      const report = await testConnection(makeServer(sim().url, { key: SESSION_KEY }), true);
      expect(report.ok).toBe(true);
      expect(report.summary).toBe(`已连接到位于 ${host} 的自托管 OpenHands（V1 API）。`);
    });
  });

  it('an address where nothing listens: the network reason is translated too', async () => {
    const port = await closedPort();
    const host = `127.0.0.1:${port}`;
    const report = await testConnection(makeServer(`http://${host}`), false);
    expect(report).toMatchObject({ ok: false, reachable: false, authenticated: null });
    expect(report.problem?.kind).toBe('offline');
    const message = `无法连接到 ${host}：该地址上没有程序在监听（连接被拒绝）。`;
    expect(report.problem?.message).toBe(message);
    expect(report.summary).toBe(`无法连接到 ${host}：${message}请检查地址，并确认服务器正在运行。`);
  });
});

describe('errorForStatus in Simplified Chinese', () => {
  useMainLanguage('zh-CN');

  it('429 with a retry-after says how long to wait', () => {
    const error = errorForStatus(429, undefined, 'app.example.com', 2500);
    expect(error.kind).toBe('rate-limited');
    expect(error.message).toBe('app.example.com 正在限制请求频率。请在 3 秒后重试。');
  });

  it("a 500 with the server's reason keeps the reason as it was sent", () => {
    const error = errorForStatus(500, { detail: 'database is locked' }, 'localhost:3000', undefined);
    expect(error.message).toBe('localhost:3000 发生内部错误（HTTP 500，database is locked）。');
  });

  it('a redirect names where it points, without the query', () => {
    const error = errorForStatus(302, undefined, 'localhost:3000', undefined, {
      location: 'https://sso.example.com/login?state=abc',
      requestUrl: 'http://localhost:3000/api/v1/app-conversations/search',
    });
    expect(error.message).toBe(
      'localhost:3000 没有直接应答，而是重定向到 https://sso.example.com/login（HTTP 302）。如果服务器已迁移，请在“服务器”中修改它的地址；本应用不会跟随重定向，因此 API 密钥只会发送到您输入的地址。',
    );
  });

  it('English is back once the language is English again', () => {
    setMainLanguage('en');
    expect(errorForStatus(429, undefined, 'app.example.com', 2500).message).toBe(
      'app.example.com is limiting requests. Try again in 3 s.',
    );
  });
});
