// Rows of the lists as the API shows them, each with its workflow and a link to it in the Temporal UI.
import type { InvitationListRow, ProvisioningRequestListRow, UserListRow } from '../../../db/read-model';

/** Links to a workflow in the Temporal UI: `<ui>/namespaces/<namespace>/workflows/<workflowId>`. */
export type WorkflowUrl = (workflowId: string) => string;

export function workflowUrls(uiUrl: string, namespace: string): WorkflowUrl {
  const base = `${uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/`;
  return (workflowId) => base + encodeURIComponent(workflowId);
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function invitationListItem(r: InvitationListRow, url: WorkflowUrl) {
  return {
    id: r.id,
    workflowId: r.id,
    workflowUrl: url(r.id),
    channel: r.channel,
    invitee: r.invitee_email ?? r.invitee_phone ?? '',
    email: r.invitee_email,
    phone: r.invitee_phone,
    inviteeType: r.invitee_type,
    role: r.role,
    license: r.license,
    invitedBy: { userId: r.invited_by, name: r.invited_by_name },
    stage: r.stage,
    stageSince: iso(r.stage_since),
    expiresAt: iso(r.expires_at),
    deliveryFailure: r.delivery_failure,
    userId: r.user_id,
    createdAt: r.created_at.toISOString(),
  };
}
export type InvitationListItem = ReturnType<typeof invitationListItem>;

export function userListItem(r: UserListRow, url: WorkflowUrl) {
  const workflowId = r.onboarding_workflow_id ?? r.provisioning_workflow_id;
  return {
    id: r.id,
    email: r.email,
    firstName: r.first_name,
    lastName: r.last_name,
    role: r.role,
    license: r.license,
    status: r.status,
    extension: r.extension,
    phoneNumber: r.phone_number,
    deskphone: r.deskphone_id ? { kind: 'inventory' as const, deviceId: r.deskphone_id } : r.deskphone_order_id ? { kind: 'order' as const, orderId: r.deskphone_order_id } : null,
    addedByAdmin: r.provisioning_workflow_id !== null,
    onboarding: {
      stage: r.onboarding_stage,
      stageSince: iso(r.onboarding_stage_since),
      workflowId,
      workflowUrl: workflowId ? url(workflowId) : null,
    },
    // Null for a user never deactivated (workflows/offboarding/).
    offboarding: r.offboarding_workflow_id
      ? { stage: r.offboarding_stage, stageSince: iso(r.offboarding_stage_since), workflowId: r.offboarding_workflow_id, workflowUrl: url(r.offboarding_workflow_id) }
      : null,
    createdAt: r.created_at.toISOString(),
    activatedAt: iso(r.activated_at),
  };
}
export type UserListItem = ReturnType<typeof userListItem>;

export function provisioningRequestListItem(r: ProvisioningRequestListRow, url: WorkflowUrl) {
  return {
    id: r.id,
    workflowId: r.workflow_id,
    workflowUrl: url(r.workflow_id),
    stage: r.stage,
    stageSince: iso(r.stage_since),
    userCount: r.user_count,
    usersFailed: r.users_failed,
    requestedBy: { userId: r.requested_by, name: r.requested_by_name },
    quoteId: r.quote_id,
    createdAt: r.created_at.toISOString(),
  };
}
export type ProvisioningRequestListItem = ReturnType<typeof provisioningRequestListItem>;
