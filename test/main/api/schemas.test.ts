import { afterEach, describe, expect, it } from 'vitest';
import { appConversationSchema, startTaskSchema } from '../../../src/main/api/schemas/app-server';
import { setSchemaLogger } from '../../../src/main/api/schemas/lenient';
import { consoleLogger, MemoryLogger } from '../../../src/main/logger';

const row = {
  id: 'a'.repeat(32),
  sandbox_id: 'sb1',
  title: 'T',
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  sandbox_status: 'RUNNING',
  execution_status: 'running',
  conversation_url: null,
  session_api_key: null,
};

describe('response schemas', () => {
  afterEach(() => setSchemaLogger(consoleLogger));

  it('maps enum values from newer servers to "unknown" and reports each once', () => {
    const log = new MemoryLogger();
    setSchemaLogger(log);
    const newer = { ...row, sandbox_status: 'HIBERNATING', execution_status: 'thinking_hard' };
    expect(appConversationSchema.parse(newer)).toMatchObject({
      sandbox_status: 'unknown',
      execution_status: 'unknown',
    });
    appConversationSchema.parse(newer);
    expect(log.lines.filter((l) => l.includes('HIBERNATING'))).toHaveLength(1);
    expect(log.lines.filter((l) => l.includes('thinking_hard'))).toHaveLength(1);
  });

  it('keeps fields it does not know and fills optional ones', () => {
    const parsed = appConversationSchema.parse({
      ...row,
      brand_new_field: { x: 1 },
      sub_conversation_ids: undefined,
    });
    expect(parsed).toMatchObject({
      brand_new_field: { x: 1 },
      sub_conversation_ids: [],
      selected_repository: null,
    });
  });

  it('is strict about required fields and their types', () => {
    expect(appConversationSchema.safeParse({ ...row, id: 5 }).success).toBe(false);
    const { created_at: _dropped, ...withoutCreated } = row;
    expect(appConversationSchema.safeParse(withoutCreated).success).toBe(false);
    expect(startTaskSchema.safeParse({ id: 'x', status: 'READY' }).success).toBe(false);
  });
});
