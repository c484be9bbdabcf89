// Contract test: the official @openhands/typescript-client@1.39.0 agent-server classes (AgentServerClient,
// ServerClient, ConversationClient, FileClient, RemoteConversation, RemoteWorkspace, RemoteEventsList and
// its WebSocketCallbackClient) against one simulated sandbox agent server, found the way the client finds it:
// the app server's sandbox `AGENT_SERVER` URL and `session_api_key`. No hand-written HTTP for anything
// under test; a failure means the simulator answers differently from what the official client expects.
//
// Node workaround (test setup only, documented in ./ws-require-shim.ts): @openhands/typescript-client@1.39.0
// looks its WebSocket up with `require('ws')` from an ES module, which always fails in Node; the shim gives
// that `require` a global binding before the client is imported. It must stay the first import.
import './ws-require-shim';
import {
  Agent,
  AgentServerFeatureRequirements,
  assertAgentServerSupports,
  compareAgentServerVersions,
  ConversationExecutionStatus,
  type Event,
  HttpClient,
  HttpError,
  RemoteConversation,
  RemoteWorkspace,
} from '@openhands/typescript-client';
import { AgentServerClient, CloudClient } from '@openhands/typescript-client/clients';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useSimulator, waitFor } from '../support/sim';
import { CLOUD_KEY, type CloudConversation, startCloudConversation } from './cloud';

const getSim = useSimulator({ apiKey: CLOUD_KEY, stepMs: 20 });

/** The events-search `kind` filter takes the event class's full module path (agent-server 1.19 … 1.43). */
const MESSAGE_KIND = 'openhands.sdk.event.llm_convertible.message.MessageEvent';

type StateUpdate = Event & { kind: 'ConversationStateUpdateEvent'; key: string; value: unknown };
type MessageEvent = Event & {
  kind: 'MessageEvent';
  llm_message: { role: string; content: { text?: string }[] };
};

function isStateUpdate(event: Event): event is StateUpdate {
  return event.kind === 'ConversationStateUpdateEvent';
}

function isMessage(event: Event): event is MessageEvent {
  return event.kind === 'MessageEvent';
}

function textOf(event: MessageEvent): string {
  return event.llm_message.content.map((part) => part.text ?? '').join('');
}

/** Execution statuses a socket stream reported, in order (from `execution_status` updates and snapshots). */
function statusesIn(events: Event[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    if (!isStateUpdate(e)) continue;
    let status: unknown;
    if (e.key === 'execution_status') status = e.value;
    else if (typeof e.value === 'object' && e.value !== null && 'execution_status' in e.value)
      status = e.value.execution_status;
    if (typeof status === 'string' && out.at(-1) !== status) out.push(status);
  }
  return out;
}

async function httpFailure(promise: Promise<unknown>): Promise<unknown> {
  try {
    return { resolved: await promise };
  } catch (error) {
    if (error instanceof HttpError) return { status: error.status, response: error.response };
    throw error;
  }
}

describe('B. Sandbox agent server through the official agent-server classes', () => {
  let started: CloudConversation;
  let id = '';
  let server: AgentServerClient;
  let workspace: RemoteWorkspace;
  const agent = new Agent({ llm: { model: 'litellm_proxy/claude-sonnet-4-5' } });
  const socketErrors: string[] = [];
  const opened: RemoteConversation[] = [];

  /** A RemoteConversation attached to the existing conversation (its `start()` only checks it exists). */
  async function attach(callback?: (event: Event) => void): Promise<RemoteConversation> {
    const conversation = new RemoteConversation(agent, workspace, {
      conversationId: id,
      ...(callback ? { callback } : {}),
      onError: (error) => socketErrors.push(error.message),
    });
    await conversation.start();
    return conversation;
  }

  /** Polls `GET /api/conversations/{id}` through RemoteState until the status is `status`. */
  async function waitForStatus(
    conversation: RemoteConversation,
    status: ConversationExecutionStatus,
    timeoutMs = 5000,
  ) {
    return waitFor(
      async () => {
        await conversation.state.refresh();
        return (await conversation.state.getExecutionStatus()) === status;
      },
      timeoutMs,
      `execution_status ${status}`,
    );
  }

  beforeAll(async () => {
    const cloud = new CloudClient({ host: getSim().url, apiKey: CLOUD_KEY, timeout: 5000 });
    started = await startCloudConversation(cloud);
    id = started.conversation.id;
    server = new AgentServerClient({ host: started.agentUrl, apiKey: started.sessionApiKey, timeout: 5000 });
    workspace = new RemoteWorkspace({
      host: started.agentUrl,
      workingDir: '/workspace/project',
      apiKey: started.sessionApiKey,
    });
  });

  afterAll(async () => {
    for (const conversation of opened) await conversation.stopWebSocketClient();
  });

  it('the agent server is where the app server says: conversation_url = AGENT_SERVER url + /api/conversations/{id}', () => {
    expect(started.conversation.conversation_url).toBe(`${started.agentUrl}/api/conversations/${id}`);
    expect(started.sessionApiKey).toBe(started.sandbox.session_api_key);
  });

  it('server info, health and readiness (ServerClient)', async () => {
    const info = await server.server.getServerInfo();
    expect(info.title).toBe('OpenHands Agent Server');
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.uptime).toEqual(expect.any(Number));
    expect(info.idle_time).toEqual(expect.any(Number));
    expect(await server.server.getAlive()).toEqual({ status: 'ok' });
    expect(await server.server.getHealth()).toEqual({ status: 'ok' });
    expect(await server.server.getReady()).toEqual({ status: 'ready' });
  });

  it('server_info carries the package versions that the client ServerInfo type declares (agent-server >= 1.12)', async () => {
    const info = await server.server.getServerInfo();
    // One release ships agent-server, sdk, tools and workspace together, so they share the version.
    expect({
      sdk_version: info.sdk_version,
      tools_version: info.tools_version,
      workspace_version: info.workspace_version,
      build_git_sha: typeof info.build_git_sha,
    }).toEqual({
      sdk_version: info.version,
      tools_version: info.version,
      workspace_version: info.version,
      build_git_sha: 'string',
    });
  });

  it('reports an agent-server version that passes every feature gate of the official client', async () => {
    const http = new HttpClient({ baseUrl: started.agentUrl, apiKey: started.sessionApiKey });
    const { version } = await server.server.getServerInfo();
    const gates = Object.values(AgentServerFeatureRequirements);
    const refused = gates
      .filter((gate) => (compareAgentServerVersions(version, gate.minVersion) ?? -1) < 0)
      .map((gate) => `${gate.feature} needs ${gate.minVersion}`);
    expect({ version, refused }).toEqual({ version, refused: [] });
    for (const gate of gates) await expect(assertAgentServerSupports(http, gate)).resolves.toBeDefined();
  });

  it('the conversation is visible to ConversationClient (get, batch get, search, count)', async () => {
    const info = await server.conversations.getConversation(id);
    expect(info.id.replace(/-/g, '')).toBe(id);
    expect(info.execution_status).toBe('idle');
    expect(await server.conversations.getConversations([id])).toEqual([
      expect.objectContaining({ id: info.id }),
    ]);
    const page = await server.conversations.searchConversations({ limit: 10 });
    expect(page.items.map((c) => c.id)).toContain(info.id);
    expect(await server.conversations.countConversations()).toBe(page.items.length);
  });

  it('RemoteState reads the conversation state fields (GET /api/conversations/{id})', async () => {
    const { state } = await attach();
    expect(await state.getExecutionStatus()).toBe('idle');
    expect(await state.getConfirmationPolicy()).toEqual({ kind: 'NeverConfirm' });
    expect(await state.getWorkspace()).toEqual(
      expect.objectContaining({ working_dir: '/workspace/project' }),
    );
    expect((await state.getAgent()).kind).toBe('Agent');
    expect(await state.getPersistenceDir()).toEqual(expect.any(String));
    expect(await state.getActivatedKnowledgeSkills()).toEqual([]);
  });

  it('send a message with run: the websocket client observes running → finished', async () => {
    const received: Event[] = [];
    const conversation = await attach((event) => received.push(event));
    opened.push(conversation);
    await conversation.startWebSocketClient();
    // Both the real server and the simulator push a state snapshot to every new subscriber first.
    await waitFor(() => received.some(isStateUpdate), 3000, 'the first socket frame').catch(
      (error: Error) => {
        throw new Error(`${error.message}; socket errors: ${JSON.stringify(socketErrors.slice(0, 3))}`);
      },
    );

    await server.conversations.sendEvent(
      id,
      { role: 'user', content: [{ type: 'text', text: 'Say hello to the contract test' }] },
      { run: true },
    );
    await waitFor(() => statusesIn(received).includes('finished'), 5000, 'finished over the socket');

    const statuses = statusesIn(received);
    expect(statuses.indexOf('running')).toBeGreaterThanOrEqual(0);
    expect(statuses.indexOf('running')).toBeLessThan(statuses.lastIndexOf('finished'));
    const userMessage = received.filter(isMessage).find((e) => e.source === 'user');
    expect(userMessage && textOf(userMessage)).toBe('Say hello to the contract test');
    expect(received.filter(isMessage).some((e) => e.source === 'agent')).toBe(true);
    expect(socketErrors).toEqual([]);
    await conversation.state.refresh();
    expect(await conversation.state.getExecutionStatus()).toBe('finished');
  });

  it('sendMessage + run() (RemoteConversation) then events search and count agree', async () => {
    const conversation = await attach();
    await conversation.sendMessage('List the files, please');
    await conversation.run();
    await waitForStatus(conversation, ConversationExecutionStatus.FINISHED);

    const total = await server.conversations.getEventCount(id);
    const page = await server.conversations.searchEvents(id, { limit: 100 });
    expect(page.items).toHaveLength(total);
    expect(page.next_page_id ?? null).toBeNull();
    const stamps = page.items.map((e) => e.timestamp);
    expect(stamps).toEqual([...stamps].sort());

    const newestFirst = await server.conversations.searchEvents(id, {
      limit: 1,
      sort_order: 'TIMESTAMP_DESC',
    });
    expect(newestFirst.items[0]?.id).toBe(page.items.at(-1)?.id);

    const userMessages = await server.conversations.searchEvents(id, { kind: MESSAGE_KIND, source: 'user' });
    expect(userMessages.items.filter(isMessage).map(textOf)).toContain('List the files, please');
    expect(await server.conversations.getEventCount(id, { kind: MESSAGE_KIND, source: 'user' })).toBe(
      userMessages.items.length,
    );

    // RemoteEventsList (state.events) walks the same pages.
    expect(await conversation.state.events.count()).toBe(total);
    expect((await conversation.state.events.getEvents()).map((e) => e.id)).toEqual(
      page.items.map((e) => e.id),
    );
    // GET /events/{id} keeps null fields while search omits them (agent server ≥ 1.37): compare without nulls.
    const first = page.items[0];
    expect(first && withoutNulls(await server.conversations.getEvent(id, first.id))).toEqual(first);
  });

  it('upload then download a binary file byte for byte (FileClient), and text via RemoteWorkspace', async () => {
    const bytes = new Uint8Array(new ArrayBuffer(256 + 6));
    for (let i = 0; i < 256; i++) bytes[i] = i; // every byte value, NUL first
    bytes.set([0x00, 0xff, 0xfe, 0xc3, 0x28, 0x00], 256); // NULs and invalid UTF-8
    const path = '/workspace/project/contract/all-bytes.bin';

    expect(await server.files.uploadFile(new Blob([bytes]), path, 'all-bytes.bin')).toEqual({
      success: true,
    });
    const downloaded = new Uint8Array(await server.files.downloadFile(path));
    expect(downloaded.byteLength).toBe(bytes.byteLength);
    expect(Buffer.from(downloaded).equals(Buffer.from(bytes))).toBe(true);

    const textPath = '/workspace/project/contract/notes.txt';
    const uploaded = await workspace.uploadText('héllo, wörld\n', textPath, 'notes.txt');
    expect(uploaded).toEqual(expect.objectContaining({ success: true, destination_path: textPath }));
    expect(await workspace.downloadAsText(textPath)).toBe('héllo, wörld\n');
  });

  it('interrupt a running conversation (POST /api/conversations/{id}/interrupt) → paused', async () => {
    const conversation = await attach();
    await server.conversations.sendEvent(
      id,
      { role: 'user', content: [{ type: 'text', text: '[slow] count to twenty' }] },
      { run: true },
    );
    await waitForStatus(conversation, ConversationExecutionStatus.RUNNING);
    expect(await httpFailure(server.conversations.interruptConversation(id))).toEqual({
      resolved: { success: true },
    });
    await waitForStatus(conversation, ConversationExecutionStatus.PAUSED, 3000);
    const events = await server.conversations.searchEvents(id, { limit: 100, sort_order: 'TIMESTAMP_DESC' });
    expect(events.items.map((e) => e.kind)).toContain('InterruptEvent');
  });

  it('rename: RemoteConversation.setTitle and ConversationClient.updateConversation (PATCH)', async () => {
    const conversation = await attach();
    await conversation.setTitle('Renamed by the official client');
    expect((await server.conversations.getConversation(id)).title).toBe('Renamed by the official client');

    // The agent server answers PATCH with `Success` (1.44.0 OpenAPI), whatever the client's generic says.
    const answer: unknown = await server.conversations.updateConversation(id, { title: 'Renamed twice' });
    expect(answer).toEqual({ success: true });
    expect((await server.conversations.getConversation(id)).title).toBe('Renamed twice');
  });
});

/** A JSON value with its null-valued object fields left out (as the agent server's search sends events). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}
