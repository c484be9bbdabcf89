// Server accounts as main and the renderer both see them: input schemas (validated and normalised in one
// place), and the view that crosses the bridge. A view never carries an API key, only where it is kept.
// No Node built-ins and no electron here (eslint.config.mjs).
import { z } from 'zod';

export const SERVER_NAME_MAX = 80;
export const API_KEY_MAX = 4096;
export const BASE_URL_MAX = 2048;
/** Longest organisation name kept (Cloud names are short; anything longer is cut, not refused). */
export const ORG_NAME_MAX = 200;

/** Where a server's API key lives. 'session': in main's memory for this run only. */
export const KEY_STORAGES = ['keychain', 'session', 'none'] as const;
export type KeyStorage = (typeof KEY_STORAGES)[number];

/** Cloud and self-hosted app servers, by their address; a bare agent server, as detected and saved. */
export const SERVER_KINDS = ['self-hosted', 'cloud', 'agent-server'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

/** What an entry is saved as: an app server (Cloud or self-hosted, told apart by address) or an agent server. */
export const BACKEND_KINDS = ['app-server', 'agent-server'] as const;
export type BackendKind = (typeof BACKEND_KINDS)[number];

/** Most working directories remembered per agent server (the newest first). */
export const RECENT_DIRS_MAX = 8;

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex -- as above, plus any whitespace (spaces, tabs, line breaks)
const WHITESPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f-\u009f]/;

function codePointLength(s: string): number {
  return [...s].length;
}

/** Zod's message for a missing or non-string field, in words. */
function textError(label: string) {
  return (issue: { input: unknown }): string =>
    issue.input === undefined ? `${label} is required.` : `${label} must be text.`;
}

export const serverNameSchema = z.string({ error: textError('Name') }).transform((value, ctx) => {
  const name = value.trim();
  if (name.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'Name is required.' });
    return z.NEVER;
  }
  if (codePointLength(name) > SERVER_NAME_MAX) {
    ctx.addIssue({ code: 'custom', message: `Name must be at most ${SERVER_NAME_MAX} characters.` });
    return z.NEVER;
  }
  if (CONTROL_CHARS.test(name)) {
    ctx.addIssue({ code: 'custom', message: 'Name must not contain line breaks or control characters.' });
    return z.NEVER;
  }
  return name;
});

/**
 * Checks a server address and returns its normal form, or a plain-language problem.
 * Normal form: lower-case scheme and host, no default port, no trailing slash, path kept (a server behind a
 * reverse proxy may live under one), e.g. " HTTPS://App.All-Hands.dev/ " → "https://app.all-hands.dev".
 */
export function normalizeBaseUrl(raw: string): { ok: true; url: string } | { ok: false; message: string } {
  const text = raw.trim();
  if (text.length === 0) return { ok: false, message: 'Server address is required.' };
  if (text.length > BASE_URL_MAX) {
    return { ok: false, message: `Server address must be at most ${BASE_URL_MAX} characters.` };
  }
  if (WHITESPACE_OR_CONTROL.test(text)) {
    return { ok: false, message: 'Server address must not contain spaces or control characters.' };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: 'Server address must be a full URL, e.g. http://localhost:3000.' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, message: 'Server address must start with http:// or https://.' };
  }
  if (url.hostname === '') return { ok: false, message: 'Server address must include a host name.' };
  if (url.username !== '' || url.password !== '') {
    return {
      ok: false,
      message: 'Server address must not contain a user name or password; enter the key as the API key.',
    };
  }
  // Checked on the text: `new URL('http://x/?').search` is '' although the address has a (empty) query.
  if (text.includes('?')) return { ok: false, message: 'Server address must not contain a query (?…).' };
  if (text.includes('#')) return { ok: false, message: 'Server address must not contain a fragment (#…).' };
  const path = url.pathname.replace(/\/+$/, '');
  return { ok: true, url: `${url.origin}${path}` };
}

export const baseUrlSchema = z.string({ error: textError('Server address') }).transform((value, ctx) => {
  const result = normalizeBaseUrl(value);
  if (!result.ok) {
    ctx.addIssue({ code: 'custom', message: result.message });
    return z.NEVER;
  }
  return result.url;
});

/** An API key as entered. Never trimmed or echoed back in a message: it is rejected or kept byte for byte. */
export const apiKeySchema = z.string({ error: textError('API key') }).transform((key, ctx) => {
  if (key.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'API key must not be empty.' });
    return z.NEVER;
  }
  if (key.length > API_KEY_MAX) {
    ctx.addIssue({ code: 'custom', message: `API key must be at most ${API_KEY_MAX} characters.` });
    return z.NEVER;
  }
  if (WHITESPACE_OR_CONTROL.test(key)) {
    ctx.addIssue({
      code: 'custom',
      message: 'API key must not contain spaces, line breaks or control characters.',
    });
    return z.NEVER;
  }
  return key;
});

/**
 * A Cloud organisation id as `X-Org-Id` takes it: a UUID in its usual 8-4-4-4-12 form, kept lower-case.
 * (Cloud answers 400 for a malformed one, so it is refused here, before it is saved.)
 */
export const orgIdSchema = z.string({ error: textError('Organization') }).transform((value, ctx) => {
  const id = value.trim().toLowerCase();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) {
    ctx.addIssue({ code: 'custom', message: 'Organization must be an organization id (a UUID).' });
    return z.NEVER;
  }
  return id;
});

/**
 * An organisation's name as Cloud reported it, kept for display only: control characters become spaces, it is
 * trimmed and cut to ORG_NAME_MAX characters; an empty name is no name (null).
 */
export const orgNameSchema = z
  .string({ error: textError('Organization name') })
  .max(10 * ORG_NAME_MAX, { error: `Organization name must be at most ${10 * ORG_NAME_MAX} characters.` })
  .transform((value): string | null => {
    // eslint-disable-next-line no-control-regex -- as CONTROL_CHARS, every occurrence
    const clean = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim();
    return clean.length === 0 ? null : [...clean].slice(0, ORG_NAME_MAX).join('').trim();
  });

/** Longest agent host entry (a DNS name's limit), and most entries per server. */
export const AGENT_HOST_MAX = 253;
export const AGENT_HOSTS_MAX = 20;

const DNS_LABEL_MAX = 63;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** The entry in quotes for a message: an agent host is not a secret, and naming it says which one is wrong. */
function quoted(entry: string): string {
  return `"${entry.length > 60 ? `${entry.slice(0, 57)}…` : entry}"`;
}

/**
 * One agent host entry in its normal form, or a problem in words. A host name (lower-case; an international
 * name in its `xn--` form, as URLs carry it), an IPv4 address, an IPv6 address in brackets (compressed as URLs
 * write it), or `*.` and a domain of at least two labels: every host under that domain, not the domain
 * itself. Never a scheme, port, path or user name: the entry is compared with the host of an agent address,
 * nothing else of it (src/main/api/agent-address.ts).
 */
function normalizeAgentHost(raw: string): { ok: true; host: string } | { ok: false; message: string } {
  const text = raw.trim().toLowerCase();
  const bad = (message: string) => ({ ok: false as const, message });
  if (text.length === 0) return bad('Agent host must not be empty.');
  if (text.length > AGENT_HOST_MAX) return bad(`Agent host must be at most ${AGENT_HOST_MAX} characters.`);
  if (WHITESPACE_OR_CONTROL.test(text))
    return bad('Agent host must not contain spaces or control characters; separate hosts with commas.');
  const entry = quoted(text);
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(text))
    return bad(`Agent host ${entry} must be a host name only, without http:// or https://.`);
  if (text.includes('@')) return bad(`Agent host ${entry} must not contain a user name.`);
  if (/[/?#\\]/.test(text)) return bad(`Agent host ${entry} must be a host name only, without a path.`);
  const wildcard = text.startsWith('*.');
  const host = wildcard ? text.slice(2) : text;
  if (wildcard && host.length === 0)
    return bad(`Agent host ${entry}: a wildcard needs a domain after it, as in *.example.com.`);
  if (host.includes('*'))
    return bad(`Agent host ${entry}: a wildcard is only allowed as the first part, as in *.example.com.`);
  if (host.startsWith('[')) {
    if (wildcard) return bad(`Agent host ${entry}: a wildcard needs a domain name, not an IP address.`);
    if (/\]:\d*$/.test(host)) return bad(`Agent host ${entry} must not include a port.`);
    if (!/^\[[0-9a-f:.]+\]$/.test(host)) return bad(`Agent host ${entry} is not a valid IPv6 address.`);
  } else if (host.includes(':')) {
    return host.split(':').length === 2
      ? bad(`Agent host ${entry} must not include a port.`)
      : bad(`Agent host ${entry}: write an IPv6 address in brackets, as in [fd00::7].`);
  } else {
    if (!/^[\p{L}\p{M}\p{N}._-]+$/u.test(host))
      return bad(`Agent host ${entry} may only contain letters, digits, dots, hyphens and underscores.`);
    const labels = host.split('.');
    if (labels.some((l) => l.length === 0))
      return bad(`Agent host ${entry} must not start or end with a dot or contain two dots in a row.`);
    if (labels.some((l) => l.length > DNS_LABEL_MAX))
      return bad(`Agent host ${entry}: each part between dots must be at most ${DNS_LABEL_MAX} characters.`);
    if (wildcard && labels.length < 2)
      return bad(
        `Agent host ${entry}: a wildcard must cover a domain, as in *.example.com, not a whole top-level domain.`,
      );
  }
  let canonical: string;
  try {
    canonical = new URL(`http://${host}/`).hostname;
  } catch {
    return bad(`Agent host ${entry} is not a valid host name or IP address.`);
  }
  if (IPV4.test(canonical)) {
    if (wildcard) return bad(`Agent host ${entry}: a wildcard needs a domain name, not an IP address.`);
    // URLs read "010.0.0.7" as 8.0.0.7 and "10.7" as 10.0.0.7: only the usual four numbers are taken.
    if (canonical !== host)
      return bad(`Agent host ${entry}: write an IP address as four numbers, as in 10.0.0.7.`);
  }
  const normal = wildcard ? `*.${canonical}` : canonical;
  if (normal.length > AGENT_HOST_MAX) return bad(`Agent host must be at most ${AGENT_HOST_MAX} characters.`);
  return { ok: true, host: normal };
}

/**
 * One host, besides the server's own, where the user allows that server's agent servers to run (see
 * `normalizeAgentHost` for the forms taken).
 */
export const agentHostSchema = z.string({ error: textError('Agent host') }).transform((value, ctx) => {
  const result = normalizeAgentHost(value);
  if (!result.ok) {
    ctx.addIssue({ code: 'custom', message: result.message });
    return z.NEVER;
  }
  return result.host;
});

/** A server's agent hosts: at most AGENT_HOSTS_MAX, each normalised, duplicates dropped, order kept. */
export const agentHostsSchema = z
  .array(agentHostSchema, { error: 'Agent hosts must be a list of host names.' })
  .max(AGENT_HOSTS_MAX, { error: `At most ${AGENT_HOSTS_MAX} agent hosts can be listed.` })
  .transform((hosts) => [...new Set(hosts)]);

/** Agent hosts as typed in one text field, separated by commas, spaces or line breaks. */
export function splitAgentHosts(text: string): string[] {
  return text.split(/[\s,]+/).filter((entry) => entry.length > 0);
}

/** A name only makes sense with the organisation it names. */
function orgNameNeedsId(
  input: { orgId?: string | null; orgName?: string | null },
  ctx: z.RefinementCtx,
): void {
  if (typeof input.orgName === 'string' && typeof input.orgId !== 'string')
    ctx.addIssue({
      code: 'custom',
      path: ['orgName'],
      message: 'An organization name needs the organization id it belongs to.',
    });
}

export const serverInputSchema = z
  .strictObject({
    name: serverNameSchema,
    baseUrl: baseUrlSchema,
    apiKey: apiKeySchema.optional(),
    /** Cloud: the organisation this entry acts in (`X-Org-Id`); absent or null: the user's current one. */
    orgId: orgIdSchema.nullable().optional(),
    /** Its name, for display (the list row); only with `orgId`. */
    orgName: orgNameSchema.nullable().optional(),
    /** Hosts besides the server's own where its agent servers may run; absent: none. */
    agentHosts: agentHostsSchema.optional(),
    /** What Test connection found; absent: an app server (the app checks either way on first use). */
    kind: z.enum(BACKEND_KINDS).optional(),
  })
  .superRefine(orgNameNeedsId);
/** What the user enters to add a server (before validation). */
export type ServerInput = z.input<typeof serverInputSchema>;
/** A validated, normalised `ServerInput`. */
export type ValidServerInput = z.output<typeof serverInputSchema>;

export const serverUpdateSchema = z
  .strictObject({
    name: serverNameSchema.optional(),
    baseUrl: baseUrlSchema.optional(),
    /** A string replaces the key, `null` removes it, absent leaves it as it is. */
    apiKey: apiKeySchema.nullable().optional(),
    /**
     * A UUID picks the organisation, `null` goes back to the user's current one, absent keeps it — unless
     * the address changes: a different server's organisation ids mean nothing, so the choice is then cleared.
     */
    orgId: orgIdSchema.nullable().optional(),
    /** The picked organisation's name (only with `orgId`); absent with a new `orgId`: no name. */
    orgName: orgNameSchema.nullable().optional(),
    /**
     * A list replaces the agent hosts (empty: none), absent keeps them — unless the address changes: hosts
     * allowed for one server are not allowed for another, so they are then cleared, as `orgId` is.
     */
    agentHosts: agentHostsSchema.optional(),
    /** What Test connection found for the (new) address; absent keeps it. */
    kind: z.enum(BACKEND_KINDS).optional(),
  })
  .superRefine(orgNameNeedsId);
export type ServerUpdate = z.input<typeof serverUpdateSchema>;
export type ValidServerUpdate = z.output<typeof serverUpdateSchema>;

/** Server ids: 128 random bits as 32 lower-case hex digits (a UUID v4 without dashes). */
export const serverIdSchema = z.string().regex(/^[0-9a-f]{32}$/, 'Not a server id.');

/**
 * The kind an entry shows as: a saved agent server is one; otherwise Cloud or self-hosted by its address.
 */
export function entryKind(baseUrl: string, saved: BackendKind | undefined): ServerKind {
  return saved === 'agent-server' ? 'agent-server' : serverKind(baseUrl);
}

/**
 * OpenHands Cloud lives on all-hands.dev and openhands.dev (app.all-hands.dev and their other hosts, as the
 * official client recognises them, docs/openhands-api.md §1); anything else is self-hosted.
 */
export function serverKind(baseUrl: string): Exclude<ServerKind, 'agent-server'> {
  let host: string;
  try {
    host = new URL(baseUrl).hostname.toLowerCase();
  } catch {
    return 'self-hosted';
  }
  const cloud = ['all-hands.dev', 'openhands.dev'].some((d) => host === d || host.endsWith(`.${d}`));
  return cloud ? 'cloud' : 'self-hosted';
}

/** A server as the renderer sees it. */
export interface ServerView {
  id: string;
  name: string;
  baseUrl: string;
  kind: ServerKind;
  keyStorage: KeyStorage;
  /** `keyStorage !== 'none'`: whether requests to this server will carry an API key. */
  hasKey: boolean;
  /**
   * The key was kept for a session only and that session has ended (the app restarted): the user has to
   * enter it again. Always false while `keyStorage` is 'keychain' or 'session'.
   */
  sessionKeyLost: boolean;
  /** Cloud: the organisation requests act in (`X-Org-Id`); null: the user's current one. */
  orgId: string | null;
  /** That organisation's name as Cloud last reported it (null: no org picked, or no name known). */
  orgName: string | null;
  /** Hosts besides its own where the user allows this server's agent servers (normal form; may be empty). */
  agentHosts: string[];
  /** An agent server: the folders conversations were last started in there, newest first. */
  recentDirs: string[];
}

/**
 * `ServerView` as the bridge contract can check it (src/shared/bridge/contract.ts), kept here next to the
 * type so the two cannot drift apart.
 */
export const serverViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  baseUrl: z.string(),
  kind: z.enum(SERVER_KINDS),
  keyStorage: z.enum(KEY_STORAGES),
  hasKey: z.boolean(),
  sessionKeyLost: z.boolean(),
  orgId: z.string().nullable(),
  orgName: z.string().nullable(),
  agentHosts: z.array(z.string()),
  recentDirs: z.array(z.string()),
}) satisfies z.ZodType<ServerView>;

/** Whether the OS keychain can hold keys right now; `message` is written for the user. */
export type KeychainStatus =
  | { state: 'available' }
  | {
      state: 'unavailable';
      reason: KeychainUnavailableReason;
      message: string;
      /** The technical cause (e.g. "Could not connect: No such file or directory"), for a details view. */
      detail: string;
    };

/** Why the OS keychain cannot be used. */
export const KEYCHAIN_UNAVAILABLE_REASONS = [
  /** The native keychain module could not be loaded. */
  'module-missing',
  /** The keychain answers but its collection is locked (Linux: a login keyring not unlocked at login). */
  'locked',
  /** The keychain service answered with an error or could not be reached (e.g. no session bus on Linux). */
  'unreachable',
  /** The keychain did not answer in time (e.g. a locked keyring waiting for a password prompt). */
  'timeout',
] as const;
export type KeychainUnavailableReason = (typeof KEYCHAIN_UNAVAILABLE_REASONS)[number];

/** Error codes for account operations, as the bridge reports them. */
export type AccountErrorCode = 'invalid-input' | 'not-found' | 'keychain-unavailable' | 'storage-failed';

/** One problem with one field, in words for the user. */
export interface FieldProblem {
  /** 'name', 'baseUrl', 'apiKey', 'orgId', 'orgName', 'agentHosts', or '' for the input as a whole. */
  field: string;
  message: string;
}

const FIELDS: ReadonlySet<string> = new Set([
  'name',
  'baseUrl',
  'apiKey',
  'orgId',
  'orgName',
  'agentHosts',
  'kind',
]);

/**
 * Turns zod issues into one plain-language problem per field. Field messages come from the schemas above;
 * structural problems (an unknown field, not an object) get a sentence of their own instead of a zod dump.
 * Never includes an input value other than an agent host entry (to say which one), so an API key is never
 * echoed.
 */
export function describeProblems(error: z.ZodError): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const issue of error.issues) {
    const first = issue.path[0];
    const field = typeof first === 'string' && FIELDS.has(first) ? first : '';
    let message: string;
    if (field !== '')
      message = issue.message; // written by the field schemas above
    else if (issue.code === 'unrecognized_keys') message = `Unknown field(s): ${issue.keys.join(', ')}.`;
    else message = 'Expected an object with a name, a server address and optionally an API key.';
    if (seen.has(field)) continue;
    seen.add(field);
    problems.push({ field, message });
  }
  return problems;
}

export function formatProblems(problems: readonly FieldProblem[]): string {
  return problems.map((p) => p.message).join(' ');
}
