// The network like the rest of the desktop. Browser mode: HTTPS_PROXY / HTTP_PROXY / NO_PROXY, as on the
// command line. The desktop app: the system's proxy settings, PAC scripts included, as Chromium resolves
// them per URL (Electron's session.resolveProxy, injected). Either way fetch goes through the global
// dispatcher Node's fetch uses, and WebSockets and streamed uploads (node:http) take `agentFor(url)`. TLS
// trusts Node's roots, NODE_EXTRA_CA_CERTS (browser mode; Node's own) and the OS certificate store, where a
// TLS-inspecting corporate proxy's CA is usually installed.
import type { Agent } from 'node:http';
import tls from 'node:tls';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';
import {
  Agent as DirectDispatcher,
  Dispatcher,
  EnvHttpProxyAgent,
  ProxyAgent,
  setGlobalDispatcher,
} from 'undici';

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

let agentForUrl: (url: string) => Promise<Agent | undefined> = () => Promise.resolve(undefined);

/** The agent a WebSocket or a node:http request to `url` goes through: a proxy's, or undefined (direct). */
export function agentFor(url: string): Promise<Agent | undefined> {
  return agentForUrl(url);
}

/** One proxy agent per proxy address, for sockets and node:http. */
function socketAgents(): (proxy: string) => Agent {
  const agents = new Map<string, Agent>();
  return (proxy) => {
    let agent = agents.get(proxy);
    if (!agent) {
      agent = new HttpsProxyAgent(proxy);
      agents.set(proxy, agent);
    }
    return agent;
  };
}

/** ws:// and wss:// are proxied like http:// and https:// (a CONNECT tunnel either way). */
const asHttp = (url: string): string => url.replace(/^ws(s?):/, 'http$1:');

/**
 * From now on, requests and sockets go through the proxy the environment names (NO_PROXY honoured).
 * Returns whether one is named. Call once, at start (it replaces the process's global fetch dispatcher).
 */
export function useEnvironmentProxy(env: NodeJS.ProcessEnv = process.env): boolean {
  if (!PROXY_VARIABLES.some((name) => env[name])) return false;
  setGlobalDispatcher(new EnvHttpProxyAgent());
  const agentOf = socketAgents();
  agentForUrl = (url) => {
    const proxy = getProxyForUrl(asHttp(url));
    return Promise.resolve(proxy ? agentOf(proxy) : undefined);
  };
  return true;
}

/**
 * The first usable proxy of a PAC-style answer ("PROXY host:port; DIRECT", "HTTPS host:port", "DIRECT"), as
 * a URL, or null for a direct connection. SOCKS is not supported: such an answer is taken as direct.
 */
export function proxyFromPacAnswer(answer: string): string | null {
  for (const part of answer.split(';')) {
    const [kind, address] = part.trim().split(/\s+/);
    if (kind === 'DIRECT') return null;
    if ((kind === 'PROXY' || kind === 'HTTP') && address) return `http://${address}`;
    if (kind === 'HTTPS' && address) return `https://${address}`;
  }
  return null;
}

/** Resolves a proxy per origin (asynchronously), then hands the request to the matching dispatcher. */
class ResolvingDispatcher extends Dispatcher {
  private readonly direct = new DirectDispatcher();
  private readonly proxies = new Map<string, ProxyAgent>();

  constructor(private readonly proxyFor: (url: string) => Promise<string | null>) {
    super();
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean {
    const origin = typeof options.origin === 'string' ? options.origin : String(options.origin);
    this.proxyFor(origin).then(
      (proxy) => this.dispatcherFor(proxy).dispatch(options, handler),
      (error: unknown) => handler.onError?.(error instanceof Error ? error : new Error(String(error))),
    );
    return true;
  }

  private dispatcherFor(proxy: string | null): Dispatcher {
    if (!proxy) return this.direct;
    let agent = this.proxies.get(proxy);
    if (!agent) {
      agent = new ProxyAgent(proxy);
      this.proxies.set(proxy, agent);
    }
    return agent;
  }
}

/**
 * From now on, requests and sockets go through the proxy `resolve` names for their URL (the desktop app:
 * Electron's `session.resolveProxy`, which follows the system settings and PAC). Answers are kept per origin
 * for a minute; a failed lookup means direct.
 */
export function useProxyResolver(resolve: (url: string) => Promise<string>): void {
  const cache = new Map<string, { at: number; proxy: Promise<string | null> }>();
  const proxyFor = (url: string): Promise<string | null> => {
    const origin = new URL(asHttp(url)).origin;
    const held = cache.get(origin);
    if (held && Date.now() - held.at < 60_000) return held.proxy;
    const proxy = resolve(origin).then(proxyFromPacAnswer, () => null);
    cache.set(origin, { at: Date.now(), proxy });
    return proxy;
  };
  setGlobalDispatcher(new ResolvingDispatcher(proxyFor));
  const agentOf = socketAgents();
  agentForUrl = async (url) => {
    const proxy = await proxyFor(url);
    return proxy ? agentOf(proxy) : undefined;
  };
}

/**
 * TLS trusts the operating system's certificate store too, beside Node's bundled roots and
 * NODE_EXTRA_CA_CERTS (Node ≥ 22.19 / Electron's Node 24; older: nothing changes). Returns how many were added.
 */
export function trustSystemCertificates(): number {
  if (typeof tls.getCACertificates !== 'function' || typeof tls.setDefaultCACertificates !== 'function')
    return 0;
  const current = tls.getCACertificates('default');
  const known = new Set(current);
  const added = tls.getCACertificates('system').filter((cert) => !known.has(cert));
  if (added.length > 0) tls.setDefaultCACertificates([...current, ...added]);
  return added.length;
}
