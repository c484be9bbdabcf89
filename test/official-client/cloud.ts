import type {
  CloudAppConversation,
  CloudClient,
  CloudConversationStartRequest,
  CloudConversationStartTask,
  CloudSandboxInfo,
} from '@openhands/typescript-client/clients';
import { waitFor } from '../support/sim';

/** The Cloud-style key the simulator is started with (`Authorization: Bearer some-key`). */
export const CLOUD_KEY = 'some-key';

/** A V1 conversation started through the official Cloud client, with its sandbox's agent server. */
export interface CloudConversation {
  task: CloudConversationStartTask;
  conversation: CloudAppConversation;
  sandbox: CloudSandboxInfo;
  /** The sandbox's `AGENT_SERVER` exposed URL. */
  agentUrl: string;
  sessionApiKey: string;
}

/** Polls the start task (official `getConversationStartTask`) until READY; fails fast on ERROR. */
export async function waitForReadyTask(
  cloud: CloudClient,
  taskId: string,
  timeoutMs = 5000,
): Promise<CloudConversationStartTask> {
  return waitFor(
    async () => {
      const task = await cloud.getConversationStartTask(taskId);
      if (task?.status === 'ERROR') throw new Error(`start task ${taskId} failed: ${task.detail ?? ''}`);
      return task?.status === 'READY' ? task : undefined;
    },
    timeoutMs,
    `start task ${taskId} READY`,
  );
}

/** Polls the sandbox (official `getSandboxes`) until it has the given status. */
export async function waitForSandboxStatus(
  cloud: CloudClient,
  sandboxId: string,
  status: CloudSandboxInfo['status'],
  timeoutMs = 5000,
): Promise<CloudSandboxInfo> {
  return waitFor(
    async () => {
      const [sandbox] = await cloud.getSandboxes([sandboxId]);
      return sandbox?.status === status ? sandbox : undefined;
    },
    timeoutMs,
    `sandbox ${sandboxId} ${status}`,
  );
}

export function agentServerUrlOf(sandbox: CloudSandboxInfo): string {
  const url = sandbox.exposed_urls?.find((u) => u.name === 'AGENT_SERVER')?.url;
  if (!url) throw new Error(`sandbox ${sandbox.id} exposes no AGENT_SERVER url`);
  return url;
}

/** create → READY → batch get → sandbox, all with the official Cloud client. */
export async function startCloudConversation(
  cloud: CloudClient,
  request: CloudConversationStartRequest = {},
): Promise<CloudConversation> {
  const created = await cloud.createConversation(request);
  const task = await waitForReadyTask(cloud, created.id);
  const conversationId = task.app_conversation_id;
  if (!conversationId) throw new Error(`READY start task ${task.id} has no app_conversation_id`);
  const [conversation] = await cloud.getConversations([conversationId]);
  if (!conversation?.sandbox_id) throw new Error(`conversation ${conversationId} has no sandbox`);
  const sandbox = await waitForSandboxStatus(cloud, conversation.sandbox_id, 'RUNNING');
  const sessionApiKey = conversation.session_api_key ?? sandbox.session_api_key;
  if (!sessionApiKey) throw new Error(`conversation ${conversationId} has no session_api_key`);
  return { task, conversation, sandbox, agentUrl: agentServerUrlOf(sandbox), sessionApiKey };
}
