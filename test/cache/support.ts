import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AgentEvent } from '../../src/main/api/schemas/agent-server';
import type { TrackedConversation } from '../../src/shared/live';
import { tempDir as sharedTempDir } from '../support/temp-dir';

export function tempDir(prefix = 'cache-'): ReturnType<typeof sharedTempDir> {
  return sharedTempDir(prefix);
}

/** Every file under `root` (relative path → content). */
export async function filesUnder(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true, recursive: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!e.isFile()) continue;
    const full = path.join(e.parentPath, e.name);
    out.set(path.relative(root, full), await readFile(full, 'utf8'));
  }
  return out;
}

export const SERVER = 'a'.repeat(32);

export function row(i: number, serverId = SERVER): TrackedConversation {
  return {
    serverId,
    id: i.toString(16).padStart(32, '0'),
    version: 'V1',
    title: `Conversation ${i}`,
    createdAt: '2024-05-01T10:00:00Z',
    updatedAt: `2024-05-01T10:${String(i % 60).padStart(2, '0')}:00Z`,
    repository: null,
    branch: null,
    sandboxStatus: 'RUNNING',
    executionStatus: 'finished',
    legacyStatus: null,
    runtimeStatus: null,
    parentId: null,
    status: 'finished',
  };
}

/** `n` events with increasing timestamps (second `start + i`) and ids `e<start+i>`. */
export function events(n: number, start = 0, textBytes = 40): AgentEvent[] {
  return Array.from({ length: n }, (_, k) => {
    const i = start + k;
    const s = i % 60;
    const m = Math.floor(i / 60) % 60;
    const h = Math.floor(i / 3600);
    return {
      kind: 'MessageEvent',
      id: `e${i}`,
      timestamp: `2024-05-01T${String(10 + h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`,
      source: i % 2 ? 'agent' : 'user',
      llm_message: {
        role: i % 2 ? 'assistant' : 'user',
        content: [{ type: 'text', text: 'x'.repeat(textBytes) }],
      },
    };
  });
}
