import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { StoredOutboxItem } from '../../src/shared/outbox';
import { encodeRecord } from '../../src/main/outbox/outbox-store';
import { newConversation, openOutbox, SERVER_ID, simServer, useOutboxWorld, userMessages } from './support';

const { sim, journal } = useOutboxWorld();

const sends = (id: string) => (r: { server: string; method: string; path: string }) =>
  r.server === 'agent' && r.method === 'POST' && r.path.replace(/-/g, '').endsWith(`${id}/events`);

describe('after a crash mid-request', () => {
  it.each([
    ['had arrived: reconciled and not sent again', true],
    ['had not arrived: sent once', false],
  ])('a send persisted as "sending" that %s', async (_name, arrived) => {
    const server = simServer(sim());
    const ref = await newConversation(sim());
    const text = `in flight when the app died (${String(arrived)})`;
    if (arrived) await server.sendMessage(ref, text);
    // What the journal holds when the app is killed after persisting "sending" and sending the request.
    const stored: StoredOutboxItem = {
      id: 'crashed-1',
      action: { kind: 'send', ref, text },
      lane: `${SERVER_ID}/${ref.id}`,
      seq: 0,
      enqueuedAt: Date.now() - 1000,
      state: 'sending',
      attempts: 1,
      firstSentAt: Date.now() - 900,
      nextAttemptAt: Date.now() - 1000,
      error: null,
    };
    const file = journal();
    await writeFile(file, encodeRecord({ op: 'put', item: stored }));
    sim().clearRequests();
    const h = await openOutbox(file, server);
    const done = await h.until('crashed-1', ['done']);
    expect(h.changes.filter((c) => c.id === 'crashed-1').map((c) => c.state)[0]).toBe(
      arrived ? 'done' : 'sending',
    );
    expect(done.attempts).toBe(arrived ? 1 : 2);
    expect(sim().requests.filter(sends(ref.id))).toHaveLength(arrived ? 0 : 1);
    expect(await userMessages(server, ref)).toEqual([text]);
    await h.close();
  });
});

describe('creates', () => {
  it('a queued create has a temporary id in the list and reports the conversation it made', async () => {
    const server = simServer(sim());
    const h = await openOutbox(journal(), server);
    const view = await h.outbox.enqueue({
      kind: 'create',
      serverId: SERVER_ID,
      tempId: 'tmp-1',
      request: { initialMessage: 'hello' },
    });
    expect(view).toMatchObject({ kind: 'create', tempId: 'tmp-1', conversationKey: null, state: 'queued' });
    const done = await h.until(view.id, ['done', 'failed'], 15_000);
    expect(done.state).toBe('done');
    expect(done.created).toMatchObject({ serverId: SERVER_ID, version: 'V1' });
    expect(h.outbox.createdFor('tmp-1')?.id).toBe(done.created?.id);
    await h.close();
  });

  it('a create refused for too many conversations gets its own state, without a retry loop', async () => {
    const server = simServer(sim());
    await server.detect();
    const h = await openOutbox(journal(), server);
    sim().faults.override({
      server: 'app',
      method: 'POST',
      // The client starts through stream-start (or the plain create, depending on the server).
      path: /^\/api\/v1\/app-conversations(\/stream-start)?$/,
      kind: 'status',
      status: 409,
      body: { detail: 'Too many running conversations (limit 5)' },
      times: 1,
    });
    const view = await h.outbox.enqueue({
      kind: 'create',
      serverId: SERVER_ID,
      tempId: 'tmp-2',
      request: {},
    });
    const limited = await h.until(view.id, ['at-limit', 'failed', 'done']);
    expect(limited.state).toBe('at-limit');
    expect(limited.error?.message).toContain('Too many running conversations');
    expect(limited.attempts).toBe(1);
    await new Promise((r) => setTimeout(r, 150));
    expect(h.outbox.list().find((v) => v.id === view.id)?.attempts).toBe(1);
    expect(await h.outbox.retry(view.id)).toBe(true);
    expect((await h.until(view.id, ['done'], 15_000)).created).not.toBeNull();
    await h.close();
  });
});

describe('uploads', () => {
  it('runs the injected upload pipeline with progress, and cancel aborts one in flight', async () => {
    const server = simServer(sim());
    const ref = await newConversation(sim());
    const calls: string[] = [];
    const h = await openOutbox(journal(), server, {
      upload: async (_server, target, spec, { signal, onProgress }) => {
        calls.push(`${target.id}:${spec.remotePath}`);
        onProgress(spec.size / 2, spec.size);
        if (spec.remotePath.endsWith('slow.bin'))
          await new Promise((_resolve, reject) =>
            signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }),
          );
        onProgress(spec.size, spec.size);
      },
    });
    const spec = { localPath: '/tmp/x', size: 100, mtimeMs: 1 };
    const fast = await h.outbox.enqueue({ kind: 'upload', ref, ...spec, remotePath: 'work/fast.txt' });
    await h.until(fast.id, ['done']);
    // The first report goes out at once (later ones are throttled), with a rate and time left once measurable.
    expect(h.changes.find((c) => c.id === fast.id && c.progress)?.progress).toMatchObject({
      bytes: 50,
      total: 100,
    });
    const slow = await h.outbox.enqueue({ kind: 'upload', ref, ...spec, remotePath: 'work/slow.bin' });
    await h.until(slow.id, ['sending']);
    expect(await h.outbox.cancel(slow.id)).toBe(true);
    await h.until(slow.id, ['cancelled']);
    expect(calls).toEqual([`${ref.id}:work/fast.txt`, `${ref.id}:work/slow.bin`]);
    expect(h.outbox.list()).toEqual([]);
    await h.close();
  });
});

describe('lanes are independent', () => {
  it('a message to one conversation is delivered while another lane is blocked by a failure', async () => {
    const server = simServer(sim());
    const a = await newConversation(sim());
    const b = await newConversation(sim());
    const h = await openOutbox(journal(), server);
    sim().faults.override({
      server: 'app',
      method: 'PATCH',
      path: new RegExp(a.id),
      kind: 'status',
      status: 404,
      body: { status: 'error', message: 'Conversation not found', msg_id: 'CONVERSATION$NOT_FOUND' },
    });
    const refused = await h.outbox.enqueue({ kind: 'rename', ref: a, title: 'never' });
    const waiting = await h.outbox.enqueue({ kind: 'send', ref: a, text: 'behind the refused rename' });
    const ok = await h.outbox.enqueue({ kind: 'send', ref: b, text: 'independent' });
    await h.until(ok.id, ['done']);
    expect((await h.until(refused.id, ['failed'])).error?.message).toContain('Conversation not found');
    expect(h.outbox.list().map((v) => [v.id, v.state])).toEqual([
      [refused.id, 'failed'],
      [waiting.id, 'queued'],
    ]);
    expect(await userMessages(server, b)).toEqual(['independent']);
    await h.close();
  });
});
