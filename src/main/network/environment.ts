// The network as the rest of the command line sees it (browser mode): HTTPS_PROXY / HTTP_PROXY / NO_PROXY
// for every request and socket, and for TLS Node's roots plus NODE_EXTRA_CA_CERTS (Node's own) plus the
// operating system's certificate store (a TLS-inspecting corporate proxy's CA is usually installed there).
// fetch goes through undici's EnvHttpProxyAgent (the global dispatcher Node's fetch uses); WebSockets and
// streamed uploads (node:http) take `agentFor(url)`.
import type { Agent } from 'node:http';
import tls from 'node:tls';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';
import { EnvHttpProxyAgent, setGlobalDispatcher } from 'undici';

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

let agentForUrl: (url: string) => Agent | undefined = () => undefined;

/** The agent a WebSocket or a node:http request to `url` goes through: a proxy's, or undefined (direct). */
export function agentFor(url: string): Agent | undefined {
  return agentForUrl(url);
}

/**
 * From now on, requests and sockets go through the proxy the environment names (NO_PROXY honoured).
 * Returns whether one is named. Call once, at start (it replaces the process's global fetch dispatcher).
 */
export function useEnvironmentProxy(env: NodeJS.ProcessEnv = process.env): boolean {
  if (!PROXY_VARIABLES.some((name) => env[name])) return false;
  setGlobalDispatcher(new EnvHttpProxyAgent());
  const agents = new Map<string, Agent>();
  agentForUrl = (url) => {
    // ws:// and wss:// are proxied like http:// and https:// (a CONNECT tunnel either way).
    const proxy = getProxyForUrl(url.replace(/^ws(s?):/, 'http$1:'));
    if (!proxy) return undefined;
    let agent = agents.get(proxy);
    if (!agent) {
      agent = new HttpsProxyAgent(proxy);
      agents.set(proxy, agent);
    }
    return agent;
  };
  return true;
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
