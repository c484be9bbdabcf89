// What the outbox tells the user must be what the server holds (issue 15, findings 1–3): a repeated text
// lost in flight is sent again, a resume refused while the last run finishes its step is retried, and a
// message to a conversation whose sandbox the server paused resumes it and is delivered.
import { describe, expect, it } from 'vitest';
import type { ConversationRef } from '../../src/shared/conversations';
import type { OutboxItemView } from '../../src/shared/outbox';
import type { OpenHandsServer } from '../../src/main/api/openhands-server';
import { createConversation, refuseAgentRun, waitFor } from '../support/sim';
import {
  newConversation,
  openOutbox,
  SERVER_ID,
  simServer,
  throughDroppingProxy,
  useOutboxWorld,
  userMessages,
} from './support';

const { sim, journal } = useOutboxWorld();

const undashed = (id: string): string => id.replace(/-/g, '');
const posts = (id: string, route: string) => (r: { server: string; method: string; path: string }) =>
  r.server === 'agent' && r.method === 'POST' && undashed(r.path).endsWith(`${undashed(id)}/${route}`);
const statesOf = (changes: OutboxItemView[], id: string): string[] =>
  changes.filter((c) => c.id === id).map((c) => c.state);

async function executionStatus(server: OpenHandsServer, ref: ConversationRef): Promise<string | null> {
  return (await (await server.agent(ref.id, { refresh: true })).info()).execution_status;
}

describe('a repeated text', () => {
  it('the same text twice, the second lost before it arrived: sent again, the server holds two', async () => {
    const server = simServer(sim());
    const ref = await newConversation(sim());
    await server.agent(ref.id);
    const h = await openOutbox(journal(), server);
    const first = await h.outbox.enqueue({ kind: 'send', ref, text: 'continue' });
    expect((await h.until(first.id, ['done', 'failed'])).state).toBe('done');

    // The second "continue" is cut off on its way: the server never stores it.
    sim().faults.override({ server: 'agent', method: 'POST', path: /\/events$/, kind: 'reset', times: 1 });
    sim().clearRequests();
    const second = await h.outbox.enqueue({ kind: 'send', ref, text: 'continue' });
    const end = await h.until(second.id, ['done', 'failed']);
    // It was uncertain, and was not taken for delivered on the strength of the first one.
    expect(statesOf(h.changes, second.id)).toContain('uncertain');
    expect(end.state).toBe('done');
    expect(end.attempts).toBe(2);
    expect(await userMessages(server, ref)).toEqual(['continue', 'continue']);
    const sends = sim().requests.filter(posts(ref.id, 'events'));
    expect(sends.map((r) => r.fault ?? 'ok')).toEqual(['reset', 'ok']);
    await h.close();
  });

  it('the same text twice, the second stored but its answer lost: not sent a third time', async () => {
    await throughDroppingProxy(sim(), journal(), async ({ proxy, server, ref, h }) => {
      const first = await h.outbox.enqueue({ kind: 'send', ref, text: 'yes' });
      await h.until(first.id, ['done']);
      proxy.dropNext((m, p) => m === 'POST' && p.endsWith('/events'), 'after');
      const second = await h.outbox.enqueue({ kind: 'send', ref, text: 'yes' });
      const end = await h.until(second.id, ['done', 'failed']);
      expect(statesOf(h.changes, second.id)).toContain('uncertain');
      expect(end.state).toBe('done');
      expect(end.attempts).toBe(1);
      expect(proxy.dropped).toBe(1);
      expect(await userMessages(server, ref)).toEqual(['yes', 'yes']);
      await h.close();
    });
  });
});

describe('resume right after pause', () => {
  const STILL_RUNNING = { detail: 'Conversation already running. Wait for completion or pause first.' };

  /** A conversation whose agent was running a long task and has just been paused through the outbox. */
  async function pausedMidRun(h: Awaited<ReturnType<typeof openOutbox>>, server: OpenHandsServer) {
    const ref = await newConversation(sim());
    await server.agent(ref.id);
    const sent = await h.outbox.enqueue({ kind: 'send', ref, text: '[steps=200] a long task' });
    await h.until(sent.id, ['done']);
    await waitFor(async () => (await executionStatus(server, ref)) === 'running', 5000, 'running');
    const pause = await h.outbox.enqueue({ kind: 'pause-agent', ref });
    await h.until(pause.id, ['done']);
    expect(await executionStatus(server, ref)).toBe('paused');
    return ref;
  }

  it.each([
    {
      // The real server refuses /run while the paused run's step is still finishing (the status reads paused).
      why: 'while the last run finishes its step',
      body: STILL_RUNNING,
      times: 2,
      reason: 'still finishing its previous step',
    },
    {
      why: 'with retryable: true (credentials still activating)',
      body: { detail: 'Credential binding is not active yet', retryable: true },
      times: 1,
      reason: 'Credential binding is not active yet',
    },
  ])('a 409 $why is retried until the agent runs, visibly', async ({ body, times, reason }) => {
    const server = simServer(sim());
    const h = await openOutbox(journal(), server);
    const ref = await pausedMidRun(h, server);
    refuseAgentRun(sim(), body, times);
    sim().clearRequests();
    const resume = await h.outbox.enqueue({ kind: 'resume-agent', ref });
    const end = await h.until(resume.id, ['done', 'failed']);
    expect(end.state).toBe('done');
    expect(await executionStatus(server, ref)).toBe('running');
    expect(sim().requests.filter(posts(ref.id, 'run'))).toHaveLength(times + 1);
    // Meanwhile the item said why it waits.
    const waiting = h.changes.filter((c) => c.id === resume.id && c.state === 'queued' && c.error);
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting[0]).toMatchObject({ waiting: 'retry', error: { kind: 'conflict', status: 409 } });
    expect(waiting[0]?.error?.message).toContain(reason);
    await h.close();
  });

  it('a 409 while the agent really runs counts as done at once', async () => {
    const server = simServer(sim());
    const h = await openOutbox(journal(), server);
    const ref = await newConversation(sim());
    await server.agent(ref.id);
    const sent = await h.outbox.enqueue({ kind: 'send', ref, text: '[steps=200] keep going' });
    await h.until(sent.id, ['done']);
    await waitFor(async () => (await executionStatus(server, ref)) === 'running', 5000, 'running');
    sim().clearRequests();
    const resume = await h.outbox.enqueue({ kind: 'resume-agent', ref });
    const end = await h.until(resume.id, ['done', 'failed']);
    expect(end).toMatchObject({ state: 'done', attempts: 1 });
    expect(
      sim()
        .requests.filter(posts(ref.id, 'run'))
        .map((r) => r.status),
    ).toEqual([409]);
    await h.close();
  });

  it('gives up visibly after a bound, with Retry', async () => {
    const server = simServer(sim());
    const h = await openOutbox(journal(), server, { maxServerErrorAttempts: 3 });
    const ref = await pausedMidRun(h, server);
    refuseAgentRun(sim(), STILL_RUNNING);
    const resume = await h.outbox.enqueue({ kind: 'resume-agent', ref });
    const end = await h.until(resume.id, ['done', 'failed']);
    expect(end).toMatchObject({ state: 'failed', attempts: 3, canRetry: true, error: { kind: 'conflict' } });
    expect(await executionStatus(server, ref)).toBe('paused');
    await h.close();
  });
});

describe('a message to a stopped conversation', () => {
  it('resumes the sandbox the server paused to make room, says so, and delivers the message once', async () => {
    const server = simServer(sim());
    const target = await createConversation(sim());
    const ref: ConversationRef = { serverId: SERVER_ID, id: target.id, version: 'V1' };
    await server.agent(ref.id); // the app knew its agent before it was paused (a stale address now)
    // Docker keeps 5 sandboxes running: five newer conversations make the server pause this one by itself.
    for (let i = 0; i < 5; i++) await createConversation(sim());
    const sandbox = sim().world.sandboxes.get(target.sandboxId);
    await waitFor(() => sandbox?.status === 'PAUSED', 5000, 'the server to pause the oldest sandbox');

    const h = await openOutbox(journal(), server);
    sim().clearRequests();
    const item = await h.outbox.enqueue({ kind: 'send', ref, text: 'are you still there?' });
    const end = await h.until(item.id, ['done', 'failed']);
    expect(end.error?.message ?? '').not.toContain('resume it to reach the agent');
    expect(end.state).toBe('done');
    expect(end.attempts).toBe(1);
    // While it waited for the sandbox, the item said so.
    expect(h.changes.some((c) => c.id === item.id && c.phase === 'resuming-sandbox')).toBe(true);
    expect(end.phase ?? null).toBeNull();
    expect(sandbox?.status).toBe('RUNNING');
    const resumes = sim().requests.filter(
      (r) =>
        r.server === 'app' && r.method === 'POST' && r.path.endsWith(`/sandboxes/${target.sandboxId}/resume`),
    );
    expect(resumes).toHaveLength(1);
    expect(sim().requests.filter(posts(ref.id, 'events'))).toHaveLength(1);
    expect(await userMessages(server, ref)).toEqual(['are you still there?']);
    await h.close();
  });
});
