// What New conversation offers on a bare agent server (docs/openhands-api.md §4.11): the folders to work in
// (its home folder's, its saved workspaces) and the agent to start (its agent profiles, its LLM profiles,
// or its saved settings). Read together; only a failure of the home folder (the key, the server) fails it,
// the rest are optional routes older servers lack.
import type { BackendOptions } from '../../shared/bridge/contract';
import { neutralizeBidi } from '../../shared/bidi';
import { t } from '../i18n';
import { ApiError } from './errors';
import type { OpenHandsServer } from './openhands-server';

/** Most entries of each list passed on (a server could hold thousands of workspaces). */
const LIST_MAX = 500;

export async function readBackendOptions(
  server: OpenHandsServer,
  signal?: AbortSignal,
): Promise<BackendOptions> {
  const caps = await server.detect({ ...(signal ? { signal } : {}) });
  if (caps.backend !== 'agent-server')
    throw new ApiError('bad-request', t('serverErrors.notAgentServer', { server: server.backend.server }));
  const b = server.backend;
  const quiet = <T>(promise: Promise<T>, fallback: T): Promise<T> => promise.catch(() => fallback);
  const [home, workspaces, agentProfiles, llmProfiles, settingsModel] = await Promise.all([
    b.home(signal),
    quiet(b.workspaces(signal), []),
    quiet(b.agentProfiles(signal), { profiles: [], active_agent_profile_id: null }),
    quiet(b.llmProfiles(signal), { profiles: [], active_profile: null }),
    quiet(b.settingsModel(signal), null),
  ]);
  const folder = (name: string, path: string) => ({ name: neutralizeBidi(name), path });
  return {
    version: caps.agentVersion,
    home: home.home,
    places: [...home.favorites, ...home.locations].slice(0, LIST_MAX).map((f) => folder(f.label, f.path)),
    workspaces: workspaces.slice(0, LIST_MAX).map((w) => folder(w.name, w.path)),
    // Profiles without an id cannot be started by (`agent_profile_id` is the id).
    agentProfiles: agentProfiles.profiles.slice(0, LIST_MAX).flatMap((p) =>
      p.id
        ? [
            {
              id: p.id,
              name: neutralizeBidi(p.name),
              agentKind: p.agent_kind ?? null,
              llmProfile: p.llm_profile_ref ?? null,
            },
          ]
        : [],
    ),
    activeAgentProfileId: agentProfiles.active_agent_profile_id ?? null,
    llmProfiles: llmProfiles.profiles
      .slice(0, LIST_MAX)
      .map((p) => ({ name: p.name, model: p.model ?? null })),
    activeLlmProfile: llmProfiles.active_profile ?? null,
    settingsModel,
  };
}

/** One page of a folder's sub-folders on a bare agent server. */
export async function readBackendFolders(
  server: OpenHandsServer,
  path: string,
  pageId: string | undefined,
  signal?: AbortSignal,
): Promise<{ items: { name: string; path: string }[]; nextPageId: string | null }> {
  if (!path.startsWith('/'))
    throw new ApiError('bad-request', t('apiErrors.notAbsolutePath', { path: path.slice(0, 80) }));
  const page = await server.backend.subdirs(path, pageId, signal);
  return {
    items: page.items.map((f) => ({ name: neutralizeBidi(f.name), path: f.path })),
    nextPageId: page.next_page_id,
  };
}
