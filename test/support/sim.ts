import { afterAll, beforeAll } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../simulator/simulator';

/** Starts a simulator for the file's tests (fast steps, no rate limit unless asked) and closes it after. */
export function useSimulator(options: SimulatorOptions = {}): () => Simulator {
  let sim: Simulator | undefined;
  beforeAll(async () => {
    sim = await startSimulator({ stepMs: 10, rateLimit: false, ...options });
  });
  afterAll(async () => {
    await sim?.close();
  });
  return () => {
    if (!sim) throw new Error('simulator not started');
    return sim;
  };
}

/** The agent server answers POST …/run with 409 and `body`: `times` times, or always when absent. */
export function refuseAgentRun(sim: Simulator, body: unknown, times?: number): void {
  sim.faults.override({
    server: 'agent',
    method: 'POST',
    path: /\/run$/,
    kind: 'status',
    status: 409,
    body,
    ...(times !== undefined ? { times } : {}),
  });
}

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** fetch + JSON parse of the body (when it is JSON). */
export async function call<T = unknown>(
  url: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<JsonResponse<T>> {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) headers.set('content-type', 'application/json');
  const res = await fetch(url, {
    ...rest,
    headers,
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: body as T, text };
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface StartedConversation {
  taskId: string;
  id: string;
  sandboxId: string;
  conversationUrl: string;
  sessionApiKey: string;
  agentUrl: string;
}

/** Creates a V1 conversation over HTTP and follows its start task to READY. */
export async function createConversation(
  sim: Simulator,
  request: Record<string, unknown> = {},
  /** The app server's key, when it has one (self-hosted SESSION_API_KEY or a Cloud key). */
  auth: { sessionApiKey?: string; apiKey?: string } = {},
): Promise<StartedConversation> {
  const headers: Record<string, string> = {
    ...(auth.sessionApiKey ? { 'X-Session-API-Key': auth.sessionApiKey } : {}),
    ...(auth.apiKey ? { Authorization: `Bearer ${auth.apiKey}` } : {}),
  };
  const created = await call<{ id: string }>(`${sim.url}/api/v1/app-conversations`, {
    method: 'POST',
    json: request,
    headers,
  });
  if (created.status !== 200) throw new Error(`create failed: ${created.status} ${created.text}`);
  const taskId = created.body.id;
  const task = await waitFor(
    async () => {
      const res = await call<({ status: string; app_conversation_id: string | null } | null)[]>(
        `${sim.url}/api/v1/app-conversations/start-tasks?ids=${taskId}`,
        { headers },
      );
      const t = res.body[0];
      if (t?.status === 'ERROR') throw new Error('start task failed');
      return t?.status === 'READY' ? t : undefined;
    },
    10_000,
    'start task READY',
  );
  const conv = await call<Record<string, string>[]>(
    `${sim.url}/api/v1/app-conversations?ids=${task.app_conversation_id}`,
    { headers },
  );
  const c = conv.body[0]!;
  const conversationUrl = c.conversation_url!;
  return {
    taskId,
    id: c.id!,
    sandboxId: c.sandbox_id!,
    conversationUrl,
    sessionApiKey: c.session_api_key!,
    // The agent server's base URL, path prefix included.
    agentUrl: conversationUrl.replace(/\/api\/conversations\/[^/]+$/, ''),
  };
}
