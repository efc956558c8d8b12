// SCIM Groups with their members. The connection maps groups to a role and a license: when a
// person's groups change (member added or removed, group deleted), their role and license follow
// the first matching group through their assignment workflow (scim-assignments.ts; a Super Admin is
// never lowered by SCIM, a paid license waits for a free seat).
import { roleAndLicenseFor, scimSchemas } from '../../../domain/scim';
import type { ScimConnectionData } from './scim-connection-data';
import { scimErrors } from './scim-errors';
import { filterToSql } from './scim-filter';
import { groupFilterColumns, type Member, type ScimGroupRow, type ScimGroupsData } from './scim-groups-data';
import { applyPatch, patchOperations } from './scim-patch';
import { project, renderMeta } from './scim-resources';
import type { ScimAssignments } from './scim-assignments';
import { paging, type ListQuery } from './scim-users-service';

type Json = Record<string, unknown>;

export function renderGroup(row: ScimGroupRow, base: string) {
  return {
    schemas: [scimSchemas.group],
    id: row.id,
    ...(row.externalId ? { externalId: row.externalId } : {}),
    displayName: row.displayName,
    members: row.members.map((m) => ({ value: m.value, ...(m.display !== null ? { display: m.display } : {}), type: 'User', $ref: `${base}/Users/${m.value}` })),
    meta: renderMeta({ resourceType: 'Group', created: row.createdAt, lastModified: row.updatedAt, location: `${base}/Groups/${row.id}`, version: row.version }),
  };
}

interface GroupInput {
  displayName: string;
  externalId: string | null;
  members: Member[];
}

function groupInput(body: unknown): GroupInput {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw scimErrors.invalidSyntax('The body must be a JSON object.');
  const b = body as Json;
  const displayName = typeof b.displayName === 'string' ? b.displayName.trim() : '';
  if (!displayName) throw scimErrors.invalidValue('displayName is required.');
  if (b.members !== undefined && !Array.isArray(b.members)) throw scimErrors.invalidSyntax('members must be an array.');
  const members = ((b.members as Json[] | undefined) ?? []).map((m) => {
    if (!m || typeof m !== 'object' || typeof m.value !== 'string') throw scimErrors.invalidValue('Each member needs a value: a User id.');
    return { value: m.value, ...(typeof m.display === 'string' ? { display: m.display.slice(0, 256) } : {}) };
  });
  const externalId = typeof b.externalId === 'string' && b.externalId !== '' ? b.externalId : null;
  return { displayName: displayName.slice(0, 256), externalId, members: [...new Map(members.map((m) => [m.value, m])).values()] };
}

export function createScimGroupsService({ groupsData, assignments, connections }: { groupsData: ScimGroupsData; assignments: ScimAssignments; connections: ScimConnectionData }) {
  async function found(accountId: string, id: string, withMembers = true): Promise<ScimGroupRow> {
    const g = await groupsData.byId(accountId, id, withMembers);
    if (!g) throw scimErrors.notFound(`Group ${id}`);
    return g;
  }

  async function assertUsers(accountId: string, ids: string[]): Promise<void> {
    const known = await groupsData.knownUsers(accountId, ids);
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0) throw scimErrors.invalidValue(`No user has the id ${unknown.slice(0, 5).join(', ')}.`);
  }

  /** Members whose groups changed take the role and license their groups now give, through their assignment workflow. */
  async function applyMappings(accountId: string, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    const connection = await connections.connection(accountId);
    if (!connection || connection.groupMappings.length === 0) return;
    const users = await groupsData.groupsOf(userIds);
    await Promise.all(users.map((u) => assignments.assign(accountId, { id: u.userId, requestId: u.requestId }, roleAndLicenseFor(u.groups, connection.groupMappings, connection.defaultLicense))));
  }

  async function write(accountId: string, before: ScimGroupRow, g: GroupInput, expectedVersion?: number): Promise<ScimGroupRow> {
    const had = new Map(before.members.map((m) => [m.value, m.display]));
    const joining = g.members.filter((m) => !had.has(m.value));
    // New members, and members whose display changed (written again).
    const add = g.members.filter((m) => !had.has(m.value) || (had.get(m.value) ?? undefined) !== m.display);
    const wanted = new Set(g.members.map((m) => m.value));
    const remove = [...had.keys()].filter((m) => !wanted.has(m));
    await assertUsers(accountId, joining.map((m) => m.value));
    const outcome = await groupsData.update(accountId, before.id, { displayName: g.displayName, externalId: g.externalId, add, remove }, expectedVersion);
    if (outcome === 'missing') throw scimErrors.notFound(`Group ${before.id}`);
    if (outcome === 'stale') throw scimErrors.versionMismatch();
    await applyMappings(accountId, [...joining.map((m) => m.value), ...remove]);
    return found(accountId, before.id);
  }

  const stored = (g: ScimGroupRow): Json => ({ schemas: [scimSchemas.group], displayName: g.displayName, ...(g.externalId ? { externalId: g.externalId } : {}), members: g.members.map((m) => ({ value: m.value, ...(m.display !== null ? { display: m.display } : {}) })) });

  return {
    async create(accountId: string, body: unknown): Promise<ScimGroupRow> {
      const g = groupInput(body);
      await assertUsers(accountId, g.members.map((m) => m.value));
      const id = await groupsData.create(accountId, g);
      await applyMappings(accountId, g.members.map((m) => m.value));
      return found(accountId, id);
    },

    get: (accountId: string, id: string, withMembers: boolean) => found(accountId, id, withMembers),

    async list(accountId: string, q: ListQuery, withMembers: boolean) {
      const { startIndex, count } = paging(q);
      const where = q.filter ? filterToSql(q.filter, groupFilterColumns, 2) : undefined;
      const { total, rows } = await groupsData.list(accountId, where, startIndex - 1, count, withMembers);
      return { total, startIndex, rows };
    },

    async replace(accountId: string, id: string, body: unknown, expectedVersion?: number) {
      return write(accountId, await found(accountId, id), groupInput(body), expectedVersion);
    },

    async patch(accountId: string, id: string, body: unknown, expectedVersion?: number) {
      const ops = patchOperations(body);
      const before = await found(accountId, id);
      return write(accountId, before, groupInput(applyPatch(stored(before), ops)), expectedVersion ?? before.version);
    },

    async remove(accountId: string, id: string): Promise<void> {
      await found(accountId, id, false);
      await applyMappings(accountId, await groupsData.remove(accountId, id));
    },

    project,
  };
}
export type ScimGroupsService = ReturnType<typeof createScimGroupsService>;
