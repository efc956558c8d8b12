// SCIM Users (RFC 7644 §3): create onboards through a provisioning request (scim-provisioning.ts),
// replace and patch keep the user row's names and cost center in step, `active` and DELETE hand the
// person to the offboarding lifecycle. Replaying a create finds the first one, never makes a second.
import { randomUUID } from 'node:crypto';
import { SCIM_MAX_RESULTS, scimSchemas } from '../../../domain/scim';
import { Problem } from '../../problems';
import { reservationKey } from '../../../workflows/provisioning-request/definitions';
import { applyPatch, patchOperations } from './scim-patch';
import type { ScimConnectionData, ScimConnectionRow } from './scim-connection-data';
import { scimErrors } from './scim-errors';
import { filterToSql } from './scim-filter';
import type { ScimProvisioning } from './scim-provisioning';
import { project, renderMeta, userInput, type UserInput } from './scim-resources';
import { userFilterColumns, type ScimUserRow, type ScimUsersData } from './scim-users-data';

/** Deactivation and reactivation belong to the offboarding lifecycle; SCIM only asks for them. */
export interface ScimLifecycle {
  deactivate(r: { accountId: string; userId: string; requestedBy: string }): Promise<unknown>;
  reactivate(r: { accountId: string; userId: string; requestedBy: string }): Promise<unknown>;
}

/** The product's users need an email; an inactive user is onboarded when activated. */
const onboardable = (u: UserInput): u is UserInput & { email: string } => u.email !== undefined && u.active;

/** How long after a create its user row may still be on its way. */
const PROVISIONING_GRACE_MS = 2 * 60_000;

export interface ListQuery {
  filter?: string;
  startIndex?: string;
  count?: string;
  attributes?: string;
  excludedAttributes?: string;
}

export interface ScimUsersDeps {
  scimUsersData: ScimUsersData;
  connections: ScimConnectionData;
  provisioning: ScimProvisioning;
  lifecycle?: ScimLifecycle;
}

/** The resource as the identity provider reads it. */
export function renderUser(row: ScimUserRow, base: string) {
  return {
    ...row.resource,
    schemas: row.resource.schemas ?? [scimSchemas.user],
    id: row.id,
    ...(row.externalId ? { externalId: row.externalId } : {}),
    userName: row.userName,
    ...('active' in row.resource ? { active: row.active } : {}),
    groups: row.groups.map((g) => ({ value: g.value, display: g.display, $ref: `${base}/Groups/${g.value}` })),
    meta: renderMeta({ resourceType: 'User', created: row.createdAt, lastModified: row.updatedAt, location: `${base}/Users/${row.id}`, version: row.version }),
  };
}

/** startIndex is 1-based, values below 1 mean 1; count is capped, negative means 0 (RFC 7644 §3.4.2.4). */
export function paging(q: ListQuery): { startIndex: number; count: number } {
  const int = (v: string | undefined, name: string) => {
    if (v === undefined || v === '') return undefined;
    if (!/^-?\d+$/.test(v)) throw scimErrors.invalidValue(`${name} must be an integer.`);
    return Number(v);
  };
  return { startIndex: Math.max(1, int(q.startIndex, 'startIndex') ?? 1), count: Math.min(SCIM_MAX_RESULTS, Math.max(0, int(q.count, 'count') ?? 100)) };
}

export function createScimUsersService({ scimUsersData, connections, provisioning, lifecycle }: ScimUsersDeps) {
  async function connectionOf(accountId: string): Promise<ScimConnectionRow> {
    const c = await connections.connection(accountId);
    if (!c) throw scimErrors.unauthenticated();
    return c;
  }

  async function found(accountId: string, id: string): Promise<ScimUserRow> {
    const row = await scimUsersData.byId(accountId, id);
    if (!row) throw scimErrors.notFound(`User ${id}`);
    return row;
  }

  /**
   * The user row of a user created moments ago, once its provisioning workflow made it (it takes
   * a fraction of a second). Still missing: the provider retries shortly (503), so a deactivation
   * is never lost; a provisioning that never made a row (it failed) has nothing to deactivate.
   */
  async function userRowOf(row: ScimUserRow): Promise<string | undefined> {
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const again = await scimUsersData.byId(row.accountId, row.id);
      if (again?.userId) return again.userId;
    }
    if (Date.now() - row.createdAt.getTime() < PROVISIONING_GRACE_MS) throw scimErrors.unavailable();
    return undefined;
  }

  /** `active` changed: the person is offboarded, or comes back. */
  async function activeChanged(connection: ScimConnectionRow, row: ScimUserRow, active: boolean): Promise<void> {
    if (!lifecycle) return;
    const userId = row.userId ?? (await userRowOf(row));
    if (!userId) return;
    const r = { accountId: row.accountId, userId, requestedBy: connection.createdBy };
    if (!active) {
      await lifecycle.deactivate(r);
      return;
    }
    // A reactivation right after a deactivation (Okta and Entra ID send them back to back) finds the
    // offboarding still taking the person out: asked again once it has, else the provider retries.
    for (let attempt = 0; ; attempt++) {
      try {
        await lifecycle.reactivate(r);
        return;
      } catch (err) {
        if (!(err instanceof Problem && err.slug === 'wrong-stage')) throw err;
        if (attempt >= 15) throw scimErrors.unavailable();
        await new Promise((done) => setTimeout(done, 100));
      }
    }
  }

  /**
   * Stores the new resource (If-Match's version only) and applies what changed to the user. A user
   * not onboarded yet (created without an email, or inactive) is onboarded once it has both.
   */
  async function write(accountId: string, before: ScimUserRow, u: UserInput, expectedVersion: number | undefined): Promise<ScimUserRow> {
    if (expectedVersion !== undefined && expectedVersion !== before.version) throw scimErrors.versionMismatch();
    const connection = await connectionOf(accountId);
    const prepared = !before.started && onboardable(u) ? await provisioning.prepare(connection, u, before.groups.map((g) => g.display)) : undefined;
    // The lifecycle first: if it refuses or fails, nothing is stored and the provider's retry asks again
    // (deactivating and reactivating are idempotent).
    if (before.started && u.active !== before.active) await activeChanged(connection, before, u.active);
    const outcome = await scimUsersData.replace(accountId, before.id, { userName: u.userName, externalId: u.externalId, resource: u.resource, active: u.active }, expectedVersion);
    if (outcome === 'missing') throw scimErrors.notFound(`User ${before.id}`);
    if (outcome === 'stale') throw scimErrors.versionMismatch();
    if (prepared) await provisioning.start(connection, before, prepared);
    await scimUsersData.syncUserRow(before.provisioningKey, { firstName: u.firstName, lastName: u.lastName, costCenter: u.costCenter });
    return found(accountId, before.id);
  }

  const stored = (row: ScimUserRow) => ({ ...row.resource, userName: row.userName, ...(row.externalId ? { externalId: row.externalId } : {}) });

  return {
    /**
     * 201 with the new user; a replay of a create that happened (same userName and externalId)
     * answers the existing user (200); another user with that userName or externalId is 409.
     */
    async create(accountId: string, body: unknown): Promise<{ created: boolean; row: ScimUserRow }> {
      const u = userInput(body);
      const connection = await connectionOf(accountId);
      const replay = async (): Promise<{ created: boolean; row: ScimUserRow } | undefined> => {
        const existing = await scimUsersData.taken(accountId, u.userName, u.externalId);
        if (!existing) return undefined;
        const same = existing.userName.toLowerCase() === u.userName.toLowerCase() && existing.externalId !== null && existing.externalId === u.externalId;
        if (!same) throw scimErrors.uniqueness(`A user with this ${existing.userName.toLowerCase() === u.userName.toLowerCase() ? 'userName' : 'externalId'} already exists.`);
        // The first create may have stopped before its workflow started: finish it.
        const first = userInput(stored(existing));
        if (!existing.started && onboardable(first)) await provisioning.start(connection, existing, await provisioning.prepare(connection, first, [], { resuming: true }));
        return { created: false, row: await found(accountId, existing.id) };
      };
      const earlier = await replay();
      if (earlier) return earlier;
      const prepared = onboardable(u) ? await provisioning.prepare(connection, u, []) : undefined;
      const id = randomUUID(), requestId = randomUUID();
      const inserted = await scimUsersData.insert({ id, accountId, userName: u.userName, externalId: u.externalId, resource: u.resource, active: u.active, requestId, provisioningKey: reservationKey(requestId, 0) });
      if (!inserted) {
        // A concurrent create won the unique index.
        const after = await replay();
        if (after) return after;
        throw scimErrors.uniqueness('A user with this userName or externalId already exists.');
      }
      if (prepared) await provisioning.start(connection, { id, requestId }, prepared);
      return { created: true, row: await found(accountId, id) };
    },

    get: found,

    async list(accountId: string, q: ListQuery) {
      const { startIndex, count } = paging(q);
      const where = q.filter ? filterToSql(q.filter, userFilterColumns, 2) : undefined;
      const { total, rows } = await scimUsersData.list(accountId, where, startIndex - 1, count);
      return { total, startIndex, rows };
    },

    async replace(accountId: string, id: string, body: unknown, expectedVersion?: number): Promise<ScimUserRow> {
      const before = await found(accountId, id);
      return write(accountId, before, userInput(body), expectedVersion);
    },

    async patch(accountId: string, id: string, body: unknown, expectedVersion?: number): Promise<ScimUserRow> {
      const ops = patchOperations(body);
      const before = await found(accountId, id);
      const after = applyPatch(stored(before), ops);
      return write(accountId, before, userInput(after), expectedVersion ?? before.version);
    },

    /** The person is offboarded (their record and history stay); the SCIM resource is gone (404 after). */
    async remove(accountId: string, id: string, expectedVersion?: number): Promise<void> {
      const row = await found(accountId, id);
      if (expectedVersion !== undefined && expectedVersion !== row.version) throw scimErrors.versionMismatch();
      // Never onboarded (no email yet, or created inactive): nobody to offboard.
      if (row.active && row.started) await activeChanged(await connectionOf(accountId), row, false);
      await scimUsersData.remove(accountId, id);
    },

    project,
  };
}
export type ScimUsersService = ReturnType<typeof createScimUsersService>;
