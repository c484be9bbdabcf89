// A loopback HTTP relay in front of the simulator's app server that counts what crosses it: requests,
// 429s and the bytes on the wire (both directions, headers included, as the sockets saw them). It can also
// apply Cloud's per-user limits (10/s, 100/min) on an injected clock, or only count what they would refuse,
// so a time-compressed run is limited in simulated time — the simulator's own limiter runs on wall time and
// is switched off behind it.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { RateLimiter } from '../../test/simulator/rate-limit';

export interface CountingProxy {
  readonly url: string;
  /** With `limits: 'count'`: requests Cloud's limits would have refused (they were forwarded anyway). */
  readonly wouldBeRefused: number;
  /** Every request's time (on `now`), in arrival order. */
  readonly times: number[];
  /** Every response's status, in completion order. */
  readonly statuses: number[];
  /** Bytes read from and written to clients so far. */
  bytes(): number;
  close(): Promise<void>;
}

export interface CountingProxyOptions {
  now: () => number;
  /**
   * Cloud's per-user limits (10/s, 100/min) on `now`: 'enforce' answers 429 as Cloud would; 'count' forwards
   * everything and only counts what Cloud would have refused; 'off' ignores them.
   */
  limits: 'enforce' | 'count' | 'off';
}

export async function startCountingProxy(
  target: string,
  options: CountingProxyOptions,
): Promise<CountingProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const limiter = options.limits === 'off' ? undefined : new RateLimiter('saas');
  let wouldBeRefused = 0;
  const times: number[] = [];
  const statuses: number[] = [];
  const sockets = new Set<Socket>();

  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    const out = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(out);
  };

  const server = http.createServer((req, res) => {
    const now = options.now();
    times.push(now);
    res.on('finish', () => statuses.push(res.statusCode));
    // In 'count' mode the limiter answers a detached response nobody reads.
    const target = options.limits === 'count' ? new http.ServerResponse(req) : res;
    const limited = limiter ? limiter.apply('bench-user', target, now) : Promise.resolve(false);
    void limited.then((refused) => {
      if (refused && target !== res) wouldBeRefused++;
      else if (refused) {
        req.resume();
        return;
      }
      forward(req, res);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get wouldBeRefused() {
      return wouldBeRefused;
    },
    times,
    statuses,
    bytes: () => [...sockets].reduce((sum, s) => sum + s.bytesRead + s.bytesWritten, 0),
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
