import { afterEach, describe, expect, it } from 'vitest';
import { setSchemaLogger } from '../../src/main/api/schemas/lenient';
import { MemoryLogger } from '../../src/main/logger';
import { summaryStatus } from '../../src/shared/status';
import { useSimulator } from '../support/sim';
import { makeServer } from './support';

// Today's app-server types allow null or missing sandbox_id, sandbox_status, execution_status and
// next_page_id (docs/openhands-api.md §3); a newer or broken server may send a row that fits no schema.
// The simulator's row quirks (test/simulator/row-quirks.ts) send exactly that, over real HTTP.
describe('rows the server may send: one bad row never fails a page', () => {
  const sim = useSimulator({ stepMs: 5 });
  afterEach(() => sim().rowQuirks.reset());

  it('drops a malformed row from a page (logged once) and keeps the rest', async () => {
    const logger = new MemoryLogger();
    setSchemaLogger(logger);
    const good = await sim().seedConversation({ title: 'Good row' });
    const bad = await sim().seedConversation({ title: 'Bad row' });
    sim().rowQuirks.forConversation(bad.id, { malformed: true });
    const server = makeServer(sim().url);
    const page = await server.listConversations();
    const titles = page.items.map((c) => c.title);
    expect(titles).toContain('Good row');
    expect(titles).not.toContain('Bad row');
    expect(page.items.find((c) => c.title === 'Good row')?.id).toBe(good.id);
    await server.listConversations();
    const warnings = logger.lines.filter((l) => l.includes('dropped a malformed conversation row'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('created_at');
  });

  it('a malformed row in a batch reads as "unreadable" (undefined), never as "gone" (null)', async () => {
    const bad = await sim().seedConversation({ title: 'Broken in batches' });
    sim().rowQuirks.forConversation(bad.id, { malformed: true });
    const server = makeServer(sim().url);
    const missing = '0123456789abcdef0123456789abcdef';
    const rows = await server.getConversations([bad.id, missing]);
    expect(rows).toEqual([undefined, null]);
  });

  it('null or missing sandbox and status fields: listed, status unknown (never Archived)', async () => {
    const seeded = await sim().seedConversation({ title: 'No sandbox yet' });
    sim().rowQuirks.forConversation(seeded.id, {
      nullFields: ['sandbox_id', 'execution_status'],
      missingFields: ['sandbox_status'],
    });
    sim().rowQuirks.set({ nextPageId: 'missing' });
    const server = makeServer(sim().url);
    const page = await server.listConversations();
    expect(page.nextPageId).toBeNull();
    const row = page.items.find((c) => c.id === seeded.id);
    expect(row).toMatchObject({ sandboxStatus: null, executionStatus: null, version: 'V1' });
    expect(summaryStatus(row!)).toBe('unknown');
    const [batched] = await server.getConversations([seeded.id]);
    expect(batched).toMatchObject({ sandboxStatus: null, executionStatus: null });
  });
});
