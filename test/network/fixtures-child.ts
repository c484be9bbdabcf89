// Child process for environment.test.ts: started with HTTPS_PROXY / NO_PROXY / NODE_EXTRA_CA_CERTS as the
// test chose (they are read at start), it turns on the environment's network the way `npm run web` does,
// then makes one fetch through the app's HTTP client and opens one WebSocket the way the event stream does,
// and prints what happened as JSON.
import { WebSocket } from 'ws';
import { HttpClient } from '../../src/main/api/http-client';
import { agentFor, useEnvironmentProxy } from '../../src/main/network/environment';

async function main(origin: string): Promise<unknown> {
  const proxied = useEnvironmentProxy(process.env);
  let fetched: unknown;
  try {
    const res = await new HttpClient().send({ method: 'GET', url: `${origin}/hello` });
    fetched = { ok: true, body: res.body };
  } catch (error) {
    fetched = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  const socketUrl = `${origin.replace(/^http/, 'ws')}/socket`;
  const socket = await new Promise<unknown>((resolve) => {
    const agent = agentFor(socketUrl);
    const ws = new WebSocket(socketUrl, agent ? { agent } : {});
    ws.once('message', (data: Buffer) => {
      ws.close();
      resolve({ ok: true, message: data.toString() });
    });
    ws.once('error', (error) => resolve({ ok: false, message: error.message }));
  });
  return { proxied, fetched, socket };
}

main(process.argv[2]!).then(
  (report) => {
    process.stdout.write(JSON.stringify(report));
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(String(error));
    process.exit(1);
  },
);
