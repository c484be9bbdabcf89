// The server clients' messages in the app's language (catalog area `serverErrors`): with Chinese chosen they
// come out as whole Chinese sentences, the server's own words and names kept as they are; English is unchanged.
import { afterEach, describe, expect, it } from 'vitest';
import { setMainLanguage } from '../../src/main/i18n';
import type { ConversationRef } from '../../src/shared/conversations';
import { useMainLanguage } from '../support/main-language';
import { refuseAgentRun, useSimulator } from '../support/sim';
import { expectApiError, makeServer, randomHex, type TestServer } from './support';

const CREDENTIALS_NOT_ACTIVE = { detail: 'Credential binding is not active yet', retryable: true };

describe('server errors in Simplified Chinese', () => {
  const sim = useSimulator({ stepMs: 5 });
  const server = (): TestServer => makeServer(sim().url);
  const host = (): string => new URL(sim().url).host;
  const v1 = (id: string): ConversationRef => ({ serverId: 'srv', id, version: 'V1' });

  useMainLanguage('zh-CN');
  afterEach(() => sim().faults.reset());

  it('an empty message is refused before anything is sent', async () => {
    const from = sim().requests.length;
    const error = await expectApiError(server().sendMessage(v1(randomHex()), '   '), 'bad-request');
    expect(error.message).toBe('消息不能为空。');
    expect(sim().requests.length).toBe(from);
  });

  it('a conversation the server does not have: the host and short id kept as they are', async () => {
    const id = randomHex();
    const error = await expectApiError(server().sendMessage(v1(id), 'hi'), 'not-found');
    expect(error.message).toBe(`${host()} 上没有会话 ${id.slice(0, 8)}。`);
  });

  it('a paused sandbox says so in one sentence', async () => {
    const record = await sim().seedConversation({ title: 'Paused one', sandboxStatus: 'PAUSED' });
    const error = await expectApiError(server().sendMessage(v1(record.id), 'hi'), 'sandbox-not-running');
    expect(error.message).toBe('该会话的沙箱已暂停；请恢复沙箱以连接智能体。');
  });

  it('a title out of bounds', async () => {
    const error = await expectApiError(server().app.rename(randomHex(), ' '), 'bad-request');
    expect(error.message).toBe('标题须为 1 到 200 个字符。');
  });

  it('a 409 on resume: the Chinese sentence, the server’s reason in its own words', async () => {
    const record = await sim().seedConversation({ title: 'Resumed one' });
    refuseAgentRun(sim(), CREDENTIALS_NOT_ACTIVE, 1);
    const error = await expectApiError(server().resumeAgent(v1(record.id)), 'conflict');
    expect(error.message).toBe(
      '智能体服务器仍在激活凭据；恢复操作会等待。（Credential binding is not active yet）',
    );
    expect(error.details.serverDetail).toBe('Credential binding is not active yet');
  });

  it('English stays as it was', async () => {
    setMainLanguage('en');
    const record = await sim().seedConversation({ title: 'Resumed in English' });
    refuseAgentRun(sim(), CREDENTIALS_NOT_ACTIVE, 1);
    const error = await expectApiError(server().resumeAgent(v1(record.id)), 'conflict');
    expect(error.message).toBe(
      'The agent server is still activating the credentials; resume waits. (Credential binding is not active yet)',
    );
    const paused = await sim().seedConversation({ title: 'Paused in English', sandboxStatus: 'PAUSED' });
    const notRunning = await expectApiError(server().sendMessage(v1(paused.id), 'hi'), 'sandbox-not-running');
    expect(notRunning.message).toBe("The conversation's sandbox is paused; resume it to reach the agent.");
  });
});
