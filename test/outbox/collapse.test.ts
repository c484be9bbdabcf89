import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationRef } from '../../src/shared/conversations';
import type { OutboxAction } from '../../src/shared/outbox';
import { HttpClient } from '../../src/main/api/http-client';
import { OpenHandsServer } from '../../src/main/api/openhands-server';
import { MemoryLogger } from '../../src/main/logger';
import { Outbox } from '../../src/main/outbox/outbox';
import { tempDir } from './support';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await cleanup();
});

const ref: ConversationRef = { serverId: 's', id: 'a'.repeat(32), version: 'V1' };
const other: ConversationRef = { serverId: 's', id: 'b'.repeat(32), version: 'V1' };

const act = (token: string, target = ref): OutboxAction => {
  switch (token) {
    case 'pause':
      return { kind: 'pause-agent', ref: target };
    case 'resume':
      return { kind: 'resume-agent', ref: target };
    case 'pauseSb':
      return { kind: 'pause-sandbox', ref: target };
    case 'resumeSb':
      return { kind: 'resume-sandbox', ref: target };
    case 'stop':
      return { kind: 'stop', ref: target };
    case 'delete':
      return { kind: 'delete', ref: target };
    case 'accept':
      return { kind: 'confirm', ref: target, accept: true };
    case 'reject':
      return { kind: 'confirm', ref: target, accept: false };
    default:
      if (token.startsWith('rename:')) return { kind: 'rename', ref: target, title: token.slice(7) };
      if (token.startsWith('send:')) return { kind: 'send', ref: target, text: token.slice(5) };
      throw new Error(token);
  }
};

/** What is left queued, as tokens again. */
function tokens(outbox: Outbox): string[] {
  return outbox.list().map((v) => {
    switch (v.kind) {
      case 'pause-agent':
        return 'pause';
      case 'resume-agent':
        return 'resume';
      case 'pause-sandbox':
        return 'pauseSb';
      case 'resume-sandbox':
        return 'resumeSb';
      case 'confirm':
        return v.summary.startsWith('Accept') ? 'accept' : 'reject';
      case 'rename':
        return `rename:${v.summary.slice(11, -1)}`;
      case 'send':
        return `send:${v.summary.slice(6)}`;
      default:
        return v.kind;
    }
  });
}

const TABLE: [string, string[], string[]][] = [
  ['pause then resume → nothing', ['pause', 'resume'], []],
  ['resume then pause → nothing', ['resume', 'pause'], []],
  ['sandbox pause then resume → nothing', ['pauseSb', 'resumeSb'], []],
  ['the same control twice → once', ['pause', 'pause'], ['pause']],
  ['stop supersedes queued pauses and resumes', ['pause', 'resumeSb', 'stop'], ['stop']],
  ['stop twice → once', ['stop', 'pause', 'stop'], ['stop']],
  [
    'a message in between keeps both controls',
    ['pause', 'send:hi', 'resume'],
    ['pause', 'send:hi', 'resume'],
  ],
  ['messages are never collapsed', ['send:a', 'send:a'], ['send:a', 'send:a']],
  ['the last rename wins', ['rename:one', 'rename:two'], ['rename:two']],
  ['the last confirmation decision wins', ['accept', 'reject'], ['reject']],
  [
    'delete supersedes queued renames and controls',
    ['send:x', 'rename:t', 'pause', 'delete'],
    ['send:x', 'delete'],
  ],
  ['pause, resume, pause → pause', ['pause', 'resume', 'pause'], ['pause']],
];

describe('collapse rules', () => {
  it.each(TABLE)('%s', async (_name, input, expected) => {
    const server = new OpenHandsServer(new HttpClient(), {
      id: 's',
      baseUrl: 'http://127.0.0.1:9',
      apiKey: () => Promise.resolve(undefined),
    });
    // Concurrency 0: nothing is sent, so every action meets the queue as the user built it.
    const { outbox } = await Outbox.open(path.join(dir, 'outbox.jsonl'), {
      servers: () => server,
      upload: () => Promise.resolve(),
      concurrency: 0,
      logger: new MemoryLogger(),
    });
    const cancelled: string[] = [];
    outbox.onChange((v) => {
      if (v.state === 'cancelled') cancelled.push(v.id);
    });
    for (const token of input) await outbox.enqueue(act(token));
    // Another conversation is never affected.
    await outbox.enqueue(act('resume', other));
    expect(tokens(outbox).slice(0, -1)).toEqual(expected);
    expect(outbox.list().at(-1)?.conversationKey).toBe(`s/${'b'.repeat(32)}`);
    await outbox.close();
    // What is on disk matches.
    const reopened = await Outbox.open(path.join(dir, 'outbox.jsonl'), {
      servers: () => server,
      upload: () => Promise.resolve(),
      concurrency: 0,
      logger: new MemoryLogger(),
    });
    expect(tokens(reopened.outbox).slice(0, -1)).toEqual(expected);
    await reopened.outbox.close();
  });
});
