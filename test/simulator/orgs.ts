import type { IncomingMessage } from 'node:http';
import { HttpError } from './http';
import { hexOf, isUuid } from './ids';

/** An organisation the simulated Cloud user belongs to. Ids are UUIDs, because `X-Org-Id` must be one. */
export interface OrgSpec {
  id: string;
  name: string;
}

/**
 * The Cloud user's organisations (enterprise `org_context`): every listed org has the user as a member,
 * the first is the current one until `POST /api/organizations/{id}/switch`. The key is never bound to an
 * org, so the effective org of a request is `X-Org-Id` if sent, else the current org.
 */
export class Organisations {
  readonly list: readonly OrgSpec[];
  private current: OrgSpec;

  constructor(
    readonly userId: string,
    orgs?: readonly OrgSpec[],
  ) {
    // A Cloud user's personal workspace is the org whose id is the user's own id.
    const list = orgs && orgs.length > 0 ? orgs : [{ id: userId, name: 'Personal Workspace' }];
    for (const org of list)
      if (!isUuid(org.id))
        throw new Error(`simulator: org id ${org.id} is not a UUID (X-Org-Id must be one)`);
    this.list = list;
    this.current = list[0]!;
  }

  get currentOrgId(): string {
    return this.current.id;
  }

  find(id: string): OrgSpec | undefined {
    return isUuid(id) ? this.list.find((org) => hexOf(org.id) === hexOf(id)) : undefined;
  }

  isPersonal(org: OrgSpec): boolean {
    return hexOf(org.id) === hexOf(this.userId);
  }

  switchTo(org: OrgSpec): void {
    this.current = org;
  }

  /** The request's effective org; a malformed header is 400, an org the user is not in is 403. */
  effective(req: IncomingMessage): OrgSpec {
    const raw = req.headers['x-org-id'];
    const header = Array.isArray(raw) ? raw[0] : raw;
    if (header === undefined) return this.current;
    if (!isUuid(header)) throw new HttpError(400, { detail: 'Invalid X-Org-Id header (must be a UUID)' });
    const org = this.find(header);
    if (!org) throw new HttpError(403, { detail: 'User is not a member of the requested organization' });
    return org;
  }
}
