// The agent-server address a server gives for a V1 conversation (`conversation_url`, a sandbox's
// `exposed_urls`) decides where the app sends the conversation's session key, its messages and its socket.
// A server is trusted with its own conversations, not with the rest of the user's network or machine: such an
// address is used only when it is http(s) on the app server's own host, or on a host the user allowed for that
// server (its "Agent hosts": a self-hosted install whose sandboxes run on other machines) (docs/security.md §2,
// "Agent addresses"). Anything else is an invalid agent address, refused before anything is sent there.
import { serverKind } from '../../shared/servers';
import { t } from '../i18n';
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

/** `reason`: an `apiErrors.agentReason…` clause; `hint`: empty, or the `apiErrors.agentHostHint` sentence. */
function invalid(appUrl: URL, reason: string, hint = ''): ApiError {
  return new ApiError(
    'invalid-response',
    t('apiErrors.invalidAgentAddress', { server: label(appUrl.href), reason, hint }),
  );
}

/**
 * Whether `host` is one of the user's agent hosts for the server: an entry equal to it, or a `*.domain` entry
 * it is under (not the domain itself). Entries are in their normal form (agentHostSchema, src/shared/servers.ts),
 * as a URL's `hostname` is: lower-case, `xn--` names, IPv6 in brackets.
 */
function listed(host: string, extraHosts: readonly string[]): boolean {
  return extraHosts.some((raw) => {
    const entry = raw.toLowerCase();
    if (!entry.startsWith('*.')) return host === entry;
    const suffix = entry.slice(1); // ".example.com"
    return host.length > suffix.length && host.endsWith(suffix);
  });
}

/**
 * True when an agent on `host` counts as on the app server's host (see the module comment), or is on one of
 * `extraHosts`, the hosts the user allowed for that server.
 */
export function agentHostAllowed(
  host: string,
  appServerUrl: string,
  extraHosts: readonly string[] = [],
): boolean {
  const app = new URL(appServerUrl);
  const agent = host.toLowerCase();
  if (agent === app.hostname) return true;
  if (LOOPBACK.has(agent) && LOOPBACK.has(app.hostname)) return true;
  const domain = cloudDomain(app);
  if (domain !== undefined && (agent === domain || agent.endsWith(`.${domain}`))) return true;
  return agent !== '' && listed(agent, extraHosts);
}

/**
 * `conversationUrl` made reachable (`reachableConversationUrl`: loopback → the app server's host) and checked:
 * http or https, no credentials in it, on the app server's host (Cloud: under its domain) or one of
 * `extraHosts`. Throws an `invalid-response` ApiError ("Invalid agent address …") for anything else:
 * `ws+unix://`, `file:`, another host of the user's network, a malformed address. The scheme and credential
 * checks come first: no entry of `extraHosts` makes such an address usable.
 */
export function checkedAgentUrl(
  conversationUrl: string,
  appServerUrl: string,
  extraHosts: readonly string[] = [],
): string {
  const app = new URL(appServerUrl);
  let given: URL;
  try {
    given = new URL(conversationUrl, app);
  } catch {
    throw invalid(app, t('apiErrors.agentReasonNotUrl'));
  }
  // Checked before any rewriting: a `ws+unix:` or `file:` address has no host to rewrite.
  if (given.protocol !== 'http:' && given.protocol !== 'https:')
    throw invalid(app, t('apiErrors.agentReasonNotHttp', { protocol: given.protocol }));
  if (given.username || given.password) throw invalid(app, t('apiErrors.agentReasonCredentials'));
  const reachable = reachableConversationUrl(conversationUrl, appServerUrl);
  const host = new URL(reachable).hostname;
  if (!agentHostAllowed(host, appServerUrl, extraHosts))
    throw host
      ? invalid(
          app,
          t('apiErrors.agentReasonHost', { host, appHost: app.hostname }),
          t('apiErrors.agentHostHint', { host }),
        )
      : invalid(app, t('apiErrors.agentReasonEmptyHost', { appHost: app.hostname }));
  return reachable;
}
