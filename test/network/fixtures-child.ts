// Child process for environment.test.ts: started with HTTPS_PROXY / NO_PROXY / NODE_EXTRA_CA_CERTS as the
// test chose (they are read at start). Mode `env`: the environment's network, as `npm run web` turns it on.
// Mode `system`: the desktop app's, with Electron's session.resolveProxy stood in for by a resolver that
// answers like Chromium (`PAC_ANSWER`, e.g. "PROXY 127.0.0.1:8080; DIRECT"). Then one fetch through the
// app's HTTP client and one WebSocket the way the event stream opens it; prints what happened as JSON.
import { WebSocket } from 'ws';
import { HttpClient } from '../../src/main/api/http-client';
import { agentFor, useEnvironmentProxy, useProxyResolver } from '../../src/main/network/environment';

async function main(origin: string, mode: string): Promise<unknown> {
  const asked: string[] = [];
  let proxied: boolean;
  if (mode === 'system') {
    useProxyResolver((url) => {
      asked.push(url);
      return Promise.resolve(process.env.PAC_ANSWER ?? 'DIRECT');
    });
    proxied = true;
  } else proxied = useEnvironmentProxy(process.env);
  let fetched: unknown;
  try {
    const res = await new HttpClient().send({ method: 'GET', url: `${origin}/hello` });
    fetched = { ok: true, body: res.body };
  } catch (error) {
    fetched = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  const socketUrl = `${origin.replace(/^http/, 'ws')}/socket`;
  const agent = await agentFor(socketUrl);
  const socket = await new Promise<unknown>((resolve) => {
    const ws = new WebSocket(socketUrl, agent ? { agent } : {});
    ws.once('message', (data: Buffer) => {
      ws.close();
      resolve({ ok: true, message: data.toString() });
    });
    ws.once('error', (error) => resolve({ ok: false, message: error.message }));
  });
  return { proxied, fetched, socket, asked: [...new Set(asked)] };
}

main(process.argv[2]!, process.argv[3] ?? 'env').then(
  (report) => {
    process.stdout.write(JSON.stringify(report));
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(String(error));
    process.exit(1);
  },
);
