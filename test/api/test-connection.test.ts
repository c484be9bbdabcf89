import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CONNECTION_LIMIT_MS, testConnection } from '../../src/main/api/test-connection';
import { BRIDGE_CALL_TIMEOUT_MS } from '../../src/shared/bridge/channels';
import { createConversation, useSimulator } from '../support/sim';
import { HttpClient } from '../../src/main/api/http-client';
import { OpenHandsServer } from '../../src/main/api/openhands-server';
import { closedPort, FAST_RETRY, makeServer, startHttpServer } from './support';

const SESSION_KEY = 'self-hosted-session-secret';
const CLOUD_KEY = 'CloudKey0123456789abcdefghijklmn';

describe('testConnection', () => {
  it('unreachable (closed port): reachable false, and the summary names the host', async () => {
    const port = await closedPort();
    const report = await testConnection(makeServer(`http://127.0.0.1:${port}`), false);
    expect(report).toMatchObject({ ok: false, reachable: false, authenticated: null, appMode: null });
    expect(report.summary).toContain(`127.0.0.1:${port}`);
    expect(report.summary).toMatch(/Could not reach/);
    expect(report.problem?.kind).toBe('offline');
  });

  // Issue 15, finding 9: a redirect read as "offline"; a stalling server kept Test connection going for up
  // to 182 s (20 s timeouts, retried) while the page gives up at 30 s; failures named internal classes.
  describe('servers that redirect, stall or fail oddly', () => {
    let redirecting: Awaited<ReturnType<typeof startHttpServer>>;
    let stalling: Awaited<ReturnType<typeof startHttpServer>>;
    beforeAll(async () => {
      redirecting = await startHttpServer((_req, res) => {
        res.writeHead(302, { location: 'https://sso.example.com/login?state=abc' });
        res.end();
      });
      stalling = await startHttpServer(() => {
        // Accepts, never answers.
      });
    });
    afterAll(async () => {
      stalling.server.closeAllConnections();
      await Promise.all([redirecting.close(), stalling.close()]);
    });

    it('a redirect: reachable, not OK, and says where it redirects and what to do', async () => {
      const report = await testConnection(makeServer(redirecting.url), false);
      expect(report).toMatchObject({ ok: false, reachable: true });
      expect(report.problem).toMatchObject({ kind: 'invalid-response', status: 302 });
      expect(report.summary).toContain('redirects to https://sso.example.com/login (HTTP 302)');
      expect(report.summary).toContain('change its address in Servers');
      expect(report.summary).not.toContain('state=abc');
    });

    it('a stalling server: the whole test is bounded, and says it did not answer in time', async () => {
      const started = Date.now();
      const report = await testConnection(makeServer(stalling.url), false, undefined, 1500);
      const took = Date.now() - started;
      expect(report.ok).toBe(false);
      expect(report.problem?.kind).toBe('timeout');
      expect(report.summary).toContain(`${new URL(stalling.url).host} did not finish answering within 2 s`);
      expect(took).toBeGreaterThanOrEqual(1400);
      expect(took).toBeLessThan(6000);
      // The app's own bound sits inside the page's wait for any answer.
      expect(TEST_CONNECTION_LIMIT_MS).toBeLessThan(BRIDGE_CALL_TIMEOUT_MS);
    });

    it('an error inside the app is worded without its class name', async () => {
      const server = new OpenHandsServer(new HttpClient({ retry: FAST_RETRY }), {
        id: 'srv',
        baseUrl: redirecting.url,
        apiKey: () => Promise.reject(new TypeError('the key source failed')),
      });
      const report = await testConnection(server, true);
      expect(report.ok).toBe(false);
      expect(report.problem?.message).toBe('the key source failed');
      expect(JSON.stringify(report)).not.toMatch(/TypeError|Error:/);
    });
  });

  describe('not an OpenHands server', () => {
    let other: Awaited<ReturnType<typeof startHttpServer>>;
    beforeAll(async () => {
      other = await startHttpServer((_req, res) => {
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end('<html><body>Nothing here</body></html>');
      });
    });
    afterAll(() => other.close());

    it('a web server answering 404: reachable, not OK, "does not look like an OpenHands server"', async () => {
      const report = await testConnection(makeServer(other.url), false);
      expect(report).toMatchObject({ ok: false, reachable: true, v1Available: null });
      expect(report.summary).toContain(new URL(other.url).host);
      expect(report.summary).toContain('does not look like an OpenHands server');
      expect(report.problem?.kind).toBe('not-found');
    });
  });

  describe('a sandbox agent server given as the server URL', () => {
    const sim = useSimulator({ stepMs: 5 });
    let started: Awaited<ReturnType<typeof createConversation>>;
    beforeAll(async () => {
      started = await createConversation(sim());
    });

    // Regression guard, fixed bug (test-connection.ts): an agent server's 401/404 on the app-server routes
    // was taken for a self-hosted app server with SESSION_API_KEY; it says who it is on GET /server_info.
    it('without its key: recognised as an agent server that wants its own SESSION_API_KEY', async () => {
      const report = await testConnection(makeServer(started.agentUrl), false);
      expect(report).toMatchObject({
        ok: false,
        reachable: true,
        authenticated: false,
        serverKind: 'agent-server',
        agentServerVersion: '1.44.0',
      });
      expect(report.summary).toBe(
        `${new URL(started.agentUrl).host} is an OpenHands agent server protected by SESSION_API_KEY: enter that value as this server's API key.`,
      );
    });

    it('with its key: connected, as an agent server (it can be added as a backend)', async () => {
      const report = await testConnection(makeServer(started.agentUrl, { key: started.sessionApiKey }), true);
      expect(report).toMatchObject({ ok: true, authenticated: true, serverKind: 'agent-server' });
      expect(report.summary).toBe(
        `Connected to the OpenHands agent server at ${new URL(started.agentUrl).host} (version 1.44.0).`,
      );
    });
  });

  describe('self-hosted with SESSION_API_KEY', () => {
    const sim = useSimulator({ stepMs: 5, sessionApiKey: SESSION_KEY });

    it('no key: not authenticated, asks for the SESSION_API_KEY value', async () => {
      const report = await testConnection(makeServer(sim().url), false);
      expect(report).toMatchObject({ ok: false, reachable: true, authenticated: false });
      expect(report.summary).toContain('SESSION_API_KEY');
      expect(report.summary).toContain('enter that value');
      expect(report.problem?.kind).toBe('unauthorized');
    });

    it('a wrong key: not authenticated, says the key does not match SESSION_API_KEY', async () => {
      const report = await testConnection(makeServer(sim().url, { key: 'not-the-secret' }), true);
      expect(report).toMatchObject({ ok: false, reachable: true, authenticated: false });
      expect(report.summary).toContain('SESSION_API_KEY');
      expect(report.summary).toContain('does not match');
      expect(report.summary).not.toContain('not-the-secret');
    });

    it('the right key: OK, self-hosted, V1', async () => {
      const report = await testConnection(makeServer(sim().url, { key: SESSION_KEY }), true);
      expect(report).toMatchObject({
        ok: true,
        reachable: true,
        authenticated: true,
        appMode: 'oss',
        v1Available: true,
        problem: null,
      });
      expect(report.summary).toContain(`self-hosted OpenHands at ${new URL(sim().url).host}`);
      expect(report.summary).not.toContain(SESSION_KEY);
    });
  });

  describe('OpenHands Cloud', () => {
    const sim = useSimulator({ stepMs: 5, apiKey: CLOUD_KEY });

    it('a wrong key: not authenticated, the summary speaks of OpenHands Cloud', async () => {
      const report = await testConnection(
        makeServer(sim().url, { key: 'WrongKey0123456789abcdefghijklmn' }),
        true,
      );
      expect(report).toMatchObject({ ok: false, reachable: true, authenticated: false, appMode: 'saas' });
      expect(report.summary).toContain('OpenHands Cloud did not accept this API key');
    });

    it('no key: asks to create one', async () => {
      const report = await testConnection(makeServer(sim().url), false);
      expect(report).toMatchObject({ ok: false, authenticated: false, appMode: 'saas' });
      expect(report.summary).toContain('OpenHands Cloud needs an API key');
    });

    it('the right key: OK, OpenHands Cloud', async () => {
      const report = await testConnection(makeServer(sim().url, { key: CLOUD_KEY }), true);
      expect(report).toMatchObject({ ok: true, authenticated: true, appMode: 'saas', v1Available: true });
      expect(report.summary).toContain('Connected to OpenHands Cloud');
      expect(JSON.stringify(report)).not.toContain(CLOUD_KEY);
    });
  });

  describe('a legacy server (ENABLE_V1=0)', () => {
    const sim = useSimulator({ stepMs: 5, profile: 'legacy', v1Enabled: false });

    it('OK with v1Available false and no agent version', async () => {
      const report = await testConnection(makeServer(sim().url), false);
      expect(report).toMatchObject({
        ok: true,
        authenticated: true,
        v1Available: false,
        agentServerVersion: null,
      });
      expect(report.summary).toContain('legacy V0 API only');
    });
  });

  describe('with a running sandbox', () => {
    const sim = useSimulator({ stepMs: 5, agentVersion: '1.17.2' });

    it('no sandbox yet: OK, no agent version', async () => {
      const report = await testConnection(makeServer(sim().url), false);
      expect(report).toMatchObject({ ok: true, v1Available: true, agentServerVersion: null });
    });

    it('reports the agent server release of the running sandbox', async () => {
      await createConversation(sim());
      const report = await testConnection(makeServer(sim().url), false);
      expect(report).toMatchObject({ ok: true, v1Available: true, agentServerVersion: '1.17.2' });
      expect(report.summary).toContain('agent server 1.17.2');
    });
  });

  describe("today's routes only (current profile)", () => {
    const sim = useSimulator({ stepMs: 5 });

    it('detects V1 and the app mode without a V0 or /api/options request', async () => {
      sim().clearRequests();
      const server = makeServer(sim().url);
      const report = await testConnection(server, false);
      expect(report).toMatchObject({ ok: true, authenticated: true, appMode: 'oss', v1Available: true });
      expect((await server.detect()).legacyRoutes).toBe(false);
      const paths = sim()
        .requests.filter((r) => r.server === 'app')
        .map((r) => r.path);
      expect(paths).toContain('/api/v1/app-conversations/search');
      expect(paths).toContain('/api/v1/web-client/config');
      expect(paths.filter((p) => /^\/api\/(options|conversations)(\/|$)/.test(p))).toEqual([]);
    });
  });

  describe('a server from before the V0 removal with V1 on (legacy profile)', () => {
    const sim = useSimulator({ stepMs: 5, profile: 'legacy' });

    it('connects over V1 and keeps using the V0 rename and delete it has', async () => {
      const server = makeServer(sim().url);
      const report = await testConnection(server, false);
      expect(report).toMatchObject({ ok: true, v1Available: true });
      expect(await server.detect()).toMatchObject({ v1: true, legacyRoutes: true, appMode: 'oss' });
    });
  });

  describe('a web app answering every path with its page (an SPA fallback)', () => {
    let spa: Awaited<ReturnType<typeof startHttpServer>>;
    beforeAll(async () => {
      spa = await startHttpServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!doctype html><html><body><div id="root"></div></body></html>');
      });
    });
    afterAll(() => spa.close());

    it('is not taken for OpenHands', async () => {
      const report = await testConnection(makeServer(spa.url), false);
      expect(report).toMatchObject({ ok: false, reachable: true, authenticated: null });
      expect(report.summary).toContain('does not look like an OpenHands server');
      expect(report.problem?.kind).toBe('invalid-response');
    });
  });
});
