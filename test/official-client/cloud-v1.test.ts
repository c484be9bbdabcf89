// Contract test: the official @openhands/typescript-client@1.39.0 `CloudClient` against our simulated
// app server (V1 API). Everything under test goes through the client's own methods; a failure means the
// simulator answers differently from what the official client (and so real OpenHands) expects.
// See test/official-client/ws-require-shim.ts for the one Node workaround (WebSocket only; unused here).
import './ws-require-shim';
import { HttpError } from '@openhands/typescript-client';
import { CloudClient } from '@openhands/typescript-client/clients';
import { describe, expect, it } from 'vitest';
import { START_TASK_STATUSES } from '../../src/shared/openhands-enums';
import { useSimulator, waitFor } from '../support/sim';
import { agentServerUrlOf, CLOUD_KEY, waitForSandboxStatus } from './cloud';

const getSim = useSimulator({ apiKey: CLOUD_KEY, stepMs: 20 });

const HEX_ID = /^[0-9a-f]{32}$/;
/** The start task's steps in order; a task that reaches READY never passes through ERROR. */
const START_STEPS: readonly string[] = START_TASK_STATUSES.filter((s) => s !== 'ERROR');

/** What an HttpError from the official client carries, for readable failures. */
async function httpFailure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    if (error instanceof HttpError) return { status: error.status, response: error.response };
    throw error;
  }
}

describe('A. Cloud V1 app server through the official CloudClient', () => {
  const cloud = (): CloudClient => new CloudClient({ host: getSim().url, apiKey: CLOUD_KEY, timeout: 5000 });

  // One conversation walks the whole life cycle; each step is its own test so a failure names the step.
  let taskId = '';
  let conversationId = '';
  let sandboxId = '';

  it('createConversation returns a WORKING start task', async () => {
    const task = await cloud().createConversation({
      initial_message: { role: 'user', content: [{ type: 'text', text: 'Say hello' }], run: true },
    });
    expect(task.id).toMatch(HEX_ID);
    expect(task.status).toBe('WORKING');
    expect(task.app_conversation_id).toBeNull();
    expect(task.created_by_user_id).toEqual(expect.any(String));
    taskId = task.id;
  });

  it('the start task reaches READY (getConversationStartTask) through the documented steps', async () => {
    const seen: string[] = [];
    const task = await waitFor(
      async () => {
        const t = await cloud().getConversationStartTask(taskId);
        if (t && seen.at(-1) !== t.status) seen.push(t.status);
        return t?.status === 'READY' ? t : undefined;
      },
      5000,
      'READY',
    );
    expect(task.id).toBe(taskId);
    expect(task.app_conversation_id).toMatch(HEX_ID);
    expect(task.detail).toBeNull();
    expect(task.agent_server_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // Polling may skip steps, but never goes backwards or invents one.
    expect(seen.every((s) => START_STEPS.includes(s))).toBe(true);
    expect(seen.map((s) => START_STEPS.indexOf(s))).toEqual(
      [...seen.map((s) => START_STEPS.indexOf(s))].sort((a, b) => a - b),
    );
    expect(seen.at(-1)).toBe('READY');
    conversationId = task.app_conversation_id ?? '';
  });

  it('searchConversations and getConversations both see it, running, with its agent server', async () => {
    const page = await cloud().searchConversations(20);
    expect(page.next_page_id).toBeNull();
    const listed = page.items.find((c) => c.id === conversationId);
    expect(listed?.id).toBe(conversationId);

    const [got] = await cloud().getConversations([conversationId]);
    expect(got?.id).toBe(conversationId);
    expect(got?.created_by_user_id).toEqual(expect.any(String));
    expect(got?.sandbox_status).toBe('RUNNING');
    expect(got?.sandbox_id).toEqual(expect.any(String));
    sandboxId = got?.sandbox_id ?? '';

    const [sandbox] = await cloud().getSandboxes([sandboxId]);
    expect(sandbox?.id).toBe(sandboxId);
    expect(sandbox?.status).toBe('RUNNING');
    expect(sandbox?.session_api_key).toBe(got?.session_api_key);
    const agentUrl = sandbox ? agentServerUrlOf(sandbox) : '';
    expect(got?.conversation_url).toBe(`${agentUrl}/api/conversations/${conversationId}`);

    // An id nobody has is a null slot, not an error.
    expect(await cloud().getConversations(['0123456789abcdef0123456789abcdef'])).toEqual([null]);
  });

  it('pauseSandbox: the sandbox goes PAUSED and the conversation loses its URL and key', async () => {
    await cloud().pauseSandbox(sandboxId);
    const sandbox = await waitForSandboxStatus(cloud(), sandboxId, 'PAUSED');
    expect(sandbox.session_api_key).toBeNull();
    expect(sandbox.exposed_urls).toBeNull();
    const [conversation] = await cloud().getConversations([conversationId]);
    expect(conversation?.sandbox_status).toBe('PAUSED');
    expect(conversation?.conversation_url).toBeNull();
    expect(conversation?.session_api_key).toBeNull();
  });

  it('resumeSandbox: the sandbox runs again and the conversation is reachable', async () => {
    await cloud().resumeSandbox(sandboxId);
    const sandbox = await waitForSandboxStatus(cloud(), sandboxId, 'RUNNING');
    expect(sandbox.session_api_key).toEqual(expect.any(String));
    const [conversation] = await cloud().getConversations([conversationId]);
    expect(conversation?.sandbox_status).toBe('RUNNING');
    expect(conversation?.conversation_url).toBe(
      `${agentServerUrlOf(sandbox)}/api/conversations/${conversationId}`,
    );
  });

  it('deleteConversation (DELETE /api/v1/app-conversations/{id}) removes it, then its sandbox', async () => {
    expect(await httpFailure(cloud().deleteConversation(conversationId))).toBe('resolved');
    expect(await cloud().getConversations([conversationId])).toEqual([null]);
    const page = await cloud().searchConversations(20);
    expect(page.items.map((c) => c.id)).not.toContain(conversationId);
    // The sandbox had no other conversation: the server deletes it in the background.
    await waitFor(
      async () => {
        const [sandbox] = await cloud().getSandboxes([sandboxId]);
        return sandbox === null;
      },
      5000,
      'sandbox deleted',
    );
  });
});
