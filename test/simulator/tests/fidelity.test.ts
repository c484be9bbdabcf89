import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startSimulator } from '../simulator';
import { call, createConversation, useSimulator, waitFor } from '../../support/sim';

type Event = {
  kind: string;
  source: string;
  key?: string;
  value?: unknown;
  llm_message?: { content: { text: string }[] };
};

/** Quirks found while checking the simulator against openhands-api.md, each pinned by a test. */
describe('simulator fidelity details', () => {
  const sim = useSimulator();

  it('legacy: protects /api/options/config with SESSION_API_KEY like every V0 router (§2.1)', async () => {
    const s = await startSimulator({
      profile: 'legacy',
      stepMs: 5,
      rateLimit: false,
      sessionApiKey: 'oss-secret',
    });
    try {
      expect((await call(`${s.url}/api/options/config`)).status).toBe(401);
      const ok = await call(`${s.url}/api/options/config`, {
        headers: { 'X-Session-API-Key': 'oss-secret' },
      });
      expect(ok.status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('legacy: marks V0 conversations created with a Bearer key as openhands_api (§2.2)', async () => {
    const s = await startSimulator({ profile: 'legacy', stepMs: 5, rateLimit: false, apiKey: 'cloud-key' });
    try {
      const headers = { Authorization: 'Bearer cloud-key' };
      const created = await call<{ conversation_id: string }>(`${s.url}/api/conversations`, {
        method: 'POST',
        headers,
        json: {},
      });
      const info = await call<{ trigger: string }>(
        `${s.url}/api/conversations/${created.body.conversation_id}`,
        { headers },
      );
      expect(info.body.trigger).toBe('openhands_api');
    } finally {
      await s.close();
    }
  });

  it('legacy: keeps V0 upload file names unsanitised, as the real route does (§8)', async () => {
    const s = await startSimulator({ profile: 'legacy', stepMs: 5, rateLimit: false });
    try {
      const created = await call<{ conversation_id: string }>(`${s.url}/api/conversations`, {
        method: 'POST',
        json: {},
      });
      const id = created.body.conversation_id;
      await waitFor(
        async () =>
          (await call<{ status: string }>(`${s.url}/api/conversations/${id}`)).body.status === 'RUNNING',
      );
      const form = new FormData();
      form.append('files', new Blob(['a']), '../escape.txt');
      form.append('files', new Blob(['b']), 'sub/dir.txt');
      const res = await call<{ uploaded_files: string[] }>(`${s.url}/api/conversations/${id}/upload-files`, {
        method: 'POST',
        body: form,
      });
      expect(res.body.uploaded_files).toEqual(['/workspace/../escape.txt', '/workspace/sub/dir.txt']);
    } finally {
      await s.close();
    }
  });

  it('current: SESSION_API_KEY guards V1 but not the web-client config; Cloud keeps its ignore list', async () => {
    const s = await startSimulator({ stepMs: 5, rateLimit: false, sessionApiKey: 'oss-secret' });
    try {
      expect((await call(`${s.url}/api/v1/web-client/config`)).status).toBe(200);
      expect((await call(`${s.url}/api/v1/app-conversations/count`)).status).toBe(401);
      const ok = await call(`${s.url}/api/v1/app-conversations/count`, {
        headers: { 'X-Session-API-Key': 'oss-secret' },
      });
      expect(ok.body).toBe(0);
    } finally {
      await s.close();
    }
  });

  it('has no /ready and no resend_mode on old agent servers (§4.8, §4.9)', async () => {
    const s = await startSimulator({ stepMs: 5, rateLimit: false, agentVersion: '1.3.0' });
    try {
      const c = await createConversation(s);
      await call(`${c.conversationUrl}/events`, {
        method: 'POST',
        headers: { 'X-Session-API-Key': c.sessionApiKey },
        json: { content: [{ type: 'text', text: 'hello' }] },
      });
      expect((await call(`${c.agentUrl}/ready`)).status).toBe(404);
      const frames = await collect(
        `ws://${new URL(c.agentUrl).host}/sockets/events/${c.id}?session_api_key=${c.sessionApiKey}&resend_mode=all`,
        150,
      );
      expect(frames.map((f) => f.key)).toEqual(['full_state']);
      const old = await collect(
        `ws://${new URL(c.agentUrl).host}/sockets/events/${c.id}?session_api_key=${c.sessionApiKey}&resend_all=true`,
        150,
      );
      expect(old.length).toBeGreaterThan(1);
    } finally {
      await s.close();
    }
  });

  it('reads every waiting message in one run instead of finishing the older one first', async () => {
    const c = await createConversation(sim());
    const headers = { 'X-Session-API-Key': c.sessionApiKey };
    await call(`${c.conversationUrl}/events`, {
      method: 'POST',
      headers,
      json: { content: [{ type: 'text', text: 'first' }] },
    });
    await call(`${c.conversationUrl}/events`, {
      method: 'POST',
      headers,
      json: { content: [{ type: 'text', text: 'second' }], run: true },
    });
    await waitFor(
      async () =>
        (await call<{ execution_status: string }>(c.conversationUrl, { headers })).body.execution_status ===
        'finished',
    );
    const events = await call<{ items: Event[] }>(`${c.conversationUrl}/events/search`, { headers });
    const replies = events.body.items.filter((e) => e.kind === 'MessageEvent' && e.source === 'agent');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.llm_message!.content[0]!.text).toContain('first\nsecond');
    const statuses = events.body.items.filter((e) => e.key === 'execution_status').map((e) => e.value);
    expect(statuses).toEqual(['running', 'finished']);
  });
});

/** Opens a socket, collects frames for `ms`, closes it. */
async function collect(url: string, ms: number): Promise<Event[]> {
  const ws = new WebSocket(url);
  const frames: Event[] = [];
  ws.on('message', (d: Buffer) => frames.push(JSON.parse(d.toString()) as Event));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  await new Promise((r) => setTimeout(r, ms));
  ws.close();
  return frames;
}
