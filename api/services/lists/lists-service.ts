// The account's invitations, users and provisioning requests, listed from the read model (never by
// asking workflows): filtered, paged by an opaque cursor, and counted by stage in one call.
import {
  createInvitationList,
  createProvisioningRequestList,
  createUserList,
  type InvitationFilter,
  type ProvisioningRequestFilter,
  type Queryable,
  type UserFilter,
} from '../../../db/read-model';
import { invitationStages, provisioningRequestStages, userProvisioningStages } from '../../../domain/stages';
import type { Caller } from '../credentials';
import { paged, type PageQuery } from './cursors';

export type { PageQuery } from './cursors';
import { invitationListItem, provisioningRequestListItem, userListItem, workflowUrls } from './list-views';
import { assertMaySeeProvisioningRequests, invitationsVisibleTo, usersVisibleTo } from './lists-policy';

export interface ListServiceDependencies {
  db: Queryable;
  /** The Temporal Web UI, e.g. http://localhost:8233, and the namespace the workflows run in. */
  temporalUi: { url: string; namespace: string };
}

/** Every stage listed, with 0 for those no row stands in; rows with no stage recorded yet counted apart. */
function stageSummary<S extends string>(stages: readonly S[], counts: Map<S | null, number>) {
  const byStage = Object.fromEntries(stages.map((s) => [s, counts.get(s) ?? 0])) as Record<S, number>;
  const notRecorded = counts.get(null) ?? 0;
  return { total: [...counts.values()].reduce((a, b) => a + b, 0), byStage, notRecorded };
}

export function createListService({ db, temporalUi }: ListServiceDependencies) {
  const url = workflowUrls(temporalUi.url, temporalUi.namespace);
  const invitations = createInvitationList(db);
  const users = createUserList(db);
  const requests = createProvisioningRequestList(db);

  return {
    listInvitations(caller: Caller, filter: InvitationFilter, page: PageQuery) {
      const visible = invitationsVisibleTo(caller, filter);
      return paged('invitations', filter, page, (after) => invitations.page(caller.accountId, visible, { limit: page.limit, after }), (r) => invitationListItem(r, url));
    },

    async summarizeInvitations(caller: Caller, filter: InvitationFilter) {
      return stageSummary(invitationStages, await invitations.countByStage(caller.accountId, invitationsVisibleTo(caller, filter)));
    },

    listUsers(caller: Caller, filter: UserFilter, page: PageQuery) {
      const visible = usersVisibleTo(caller, filter);
      return paged('users', filter, page, (after) => users.page(caller.accountId, visible, { limit: page.limit, after }), (r) => userListItem(r, url));
    },

    async summarizeUsers(caller: Caller, filter: UserFilter) {
      const onboardingStages = [...new Set([...userProvisioningStages, ...invitationStages])];
      return stageSummary(onboardingStages, await users.countByStage(caller.accountId, usersVisibleTo(caller, filter)));
    },

    listProvisioningRequests(caller: Caller, filter: ProvisioningRequestFilter, page: PageQuery) {
      assertMaySeeProvisioningRequests(caller);
      return paged('provisioning-requests', filter, page, (after) => requests.page(caller.accountId, filter, { limit: page.limit, after }), (r) => provisioningRequestListItem(r, url));
    },

    async summarizeProvisioningRequests(caller: Caller, filter: ProvisioningRequestFilter) {
      assertMaySeeProvisioningRequests(caller);
      return stageSummary(provisioningRequestStages, await requests.countByStage(caller.accountId, filter));
    },
  };
}
export type ListService = ReturnType<typeof createListService>;
