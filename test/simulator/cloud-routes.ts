import type { AppServerContext } from './app-routes';
import {
  HttpError,
  parseLimit,
  parseOffsetPageId,
  type RouteContext,
  type Router,
  sendJson,
  validationError,
} from './http';
import { hexOf, isUuid } from './ids';
import type { Organisations, OrgSpec } from './orgs';

/** The one API key the simulated Cloud knows (`apiKey`); never bound to an org. */
export const API_KEY_NAME = 'Simulator API key';

/** `OrgResponse`, with the fields a client can use; billing-ish fields are empty. */
function orgResponse(orgs: Organisations, org: OrgSpec): Record<string, unknown> {
  return {
    id: org.id,
    name: org.name,
    contact_name: null,
    contact_email: null,
    is_personal: orgs.isPersonal(org),
    credits: null,
    v1_enabled: true,
  };
}

/** `{org_id}` routes reject an `X-Org-Id` that names another org (E-ORG `reject_x_org_id_path_mismatch`). */
function pathOrg(orgs: Organisations, c: RouteContext): OrgSpec {
  const id = c.params.orgId ?? '';
  if (!isUuid(id))
    throw validationError(['path', 'org_id'], 'Input should be a valid UUID', id, 'uuid_parsing');
  const raw = c.req.headers['x-org-id'];
  const header = Array.isArray(raw) ? raw[0] : raw;
  if (header !== undefined && (!isUuid(header) || hexOf(header) !== hexOf(id)))
    throw new HttpError(400, {
      detail: `X-Org-Id header (${header}) does not match the org in the request path (${id})`,
    });
  const org = orgs.find(id);
  if (!org) throw new HttpError(404, { detail: 'Organization not found' });
  return org;
}

/**
 * The enterprise routes of OpenHands Cloud (`app_mode: saas`, current profile only): the API-key probe
 * Agent Canvas uses, and organisations. They sit behind the same Bearer check as every `/api` path.
 */
export function addCloudRoutes(r: Router, ctx: AppServerContext, orgs: Organisations): void {
  // The effective org, not the key's: keys here are unbound, so `X-Org-Id` or the current org decides.
  r.add('GET', '/api/keys/current', (c) => {
    const org = orgs.effective(c.req);
    sendJson(c.res, 200, {
      id: 1,
      name: API_KEY_NAME,
      org_id: org.id,
      bound_org_id: null,
      user_id: ctx.userId,
      auth_type: 'bearer',
    });
  });

  r.add('GET', '/api/organizations', (c) => {
    const limit = parseLimit(c.query);
    const offset = parseOffsetPageId(c.query);
    const items = orgs.list.slice(offset, offset + limit).map((org) => orgResponse(orgs, org));
    sendJson(c.res, 200, {
      items,
      next_page_id: offset + limit < orgs.list.length ? String(offset + limit) : null,
      current_org_id: orgs.currentOrgId,
    });
  });

  r.add('GET', '/api/organizations/:orgId/me', (c) => {
    const org = pathOrg(orgs, c);
    sendJson(c.res, 200, {
      org_id: org.id,
      user_id: ctx.userId,
      email: null,
      role: 'owner',
      permissions: [],
      llm_api_key: '**********',
      llm_api_key_for_byor: null,
    });
  });

  // Changes the org used when a request sends no X-Org-Id.
  r.add('POST', '/api/organizations/:orgId/switch', (c) => {
    const org = pathOrg(orgs, c);
    orgs.switchTo(org);
    sendJson(c.res, 200, orgResponse(orgs, org));
  });
}
