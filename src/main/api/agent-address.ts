// The agent-server address a server gives for a V1 conversation (`conversation_url`, a sandbox's
// `exposed_urls`) decides where the app sends the conversation's session key, its messages and its socket.
// A server is trusted with its own conversations, not with the rest of the user's network or machine: such an
// address is used only when it is http(s) on the app server's own host (docs/security.md §2, "Agent
// addresses"). Anything else is an invalid agent address, refused before anything is sent there.
import { serverKind } from '../../shared/servers';
import { reachableConversationUrl } from './agent-server-client';
import { ApiError } from './errors';
import { label } from './http-client';

/** The names `reachableConversationUrl` treats as loopback (it rewrites them to the app server's host). */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '0.0.0.0', '[::1]', '::1']);

/**
 * Cloud's agents run on runtime hosts, not on the app server's (`app.all-hands.dev` → e.g.
 * `<id>.prod-runtime.all-hands.dev`): for a Cloud server the allowed hosts are its registrable domain and
 * every host under it. Cloud's domains (serverKind: all-hands.dev, openhands.dev) are two labels long, so
 * the registrable domain is the host's last two labels.
 */
function cloudDomain(appUrl: URL): string | undefined {
  if (serverKind(appUrl.href) !== 'cloud') return undefined;
  return appUrl.hostname.split('.').slice(-2).join('.');
}

function invalid(appUrl: URL, reason: string): ApiError {
  return new ApiError(
    'invalid-response',
    `Invalid agent address from ${label(appUrl.href)}: ${reason}. The app only talks to agents over http or https on the server's own host.`,
  );
}

/** True when an agent on `host` counts as on the app server's host (see the module comment). */
export function agentHostAllowed(host: string, appServerUrl: string): boolean {
  const app = new URL(appServerUrl);
  const agent = host.toLowerCase();
  if (agent === app.hostname) return true;
  if (LOOPBACK.has(agent) && LOOPBACK.has(app.hostname)) return true;
  const domain = cloudDomain(app);
  return domain !== undefined && (agent === domain || agent.endsWith(`.${domain}`));
}

/**
 * `conversationUrl` made reachable (`reachableConversationUrl`: loopback → the app server's host) and checked:
 * http or https, no credentials in it, on the app server's host (Cloud: under its domain). Throws an
 * `invalid-response` ApiError ("Invalid agent address …") for anything else: `ws+unix://`, `file:`, another
 * host of the user's network, a malformed address.
 */
export function checkedAgentUrl(conversationUrl: string, appServerUrl: string): string {
  const app = new URL(appServerUrl);
  let given: URL;
  try {
    given = new URL(conversationUrl, app);
  } catch {
    throw invalid(app, 'it is not a URL');
  }
  // Checked before any rewriting: a `ws+unix:` or `file:` address has no host to rewrite.
  if (given.protocol !== 'http:' && given.protocol !== 'https:')
    throw invalid(app, `${given.protocol} is not http or https`);
  if (given.username || given.password) throw invalid(app, 'it carries a user name or password');
  const reachable = reachableConversationUrl(conversationUrl, appServerUrl);
  const host = new URL(reachable).hostname;
  if (!agentHostAllowed(host, appServerUrl))
    throw invalid(app, `${host || 'an empty host'} is not the server's host (${app.hostname})`);
  return reachable;
}
