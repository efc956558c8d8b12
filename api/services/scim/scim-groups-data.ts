// The scim_groups and scim_group_members tables.
import { DatabaseError } from 'pg';
import type { Db } from '../../../db';
import { inTransaction } from '../../../db';
import { scimErrors } from './scim-errors';
import type { FilterColumns } from './scim-filter';

export interface ScimGroupRow {
  id: string;
  accountId: string;
  displayName: string;
  externalId: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  members: Array<{ value: string; display: string | null }>;
}

export const groupFilterColumns: FilterColumns = {
  scalar: {
    id: { sql: 'g.id::text', type: 'text' },
    displayname: { sql: 'g.display_name', type: 'ci' },
    externalid: { sql: 'g.external_id', type: 'text' },
    'meta.created': { sql: 'g.created_at', type: 'time' },
    'meta.lastmodified': { sql: 'g.updated_at', type: 'time' },
  },
  multi: {
    members: (where) => `EXISTS (SELECT 1 FROM scim_group_members gm WHERE gm.group_id = g.id AND ${where((name) => ({ sql: name === 'value' ? 'gm.user_id::text' : 'gm.display', type: name === 'value' ? 'text' : 'ci' }))})`,
  },
};

const SELECT = (withMembers: boolean) => `
  SELECT g.id, g.account_id AS "accountId", g.display_name AS "displayName", g.external_id AS "externalId", g.version,
         g.created_at AS "createdAt", g.updated_at AS "updatedAt",
         ${withMembers
    ? `coalesce((SELECT jsonb_agg(jsonb_build_object('value', m.user_id, 'display', m.display) ORDER BY m.user_id)
                     FROM scim_group_members m WHERE m.group_id = g.id), '[]')`
    : `'[]'::jsonb`} AS members
    FROM scim_groups g`;

const uniqueName = (err: unknown) => {
  if (err instanceof DatabaseError && err.code === '23505') return scimErrors.uniqueness('A group with this displayName already exists.');
  return err;
};
export interface Member {
  value: string;
  display?: string;
}

async function addMembers(tx: { query: Db['query'] }, groupId: string, members: Member[]): Promise<void> {
  if (members.length === 0) return;
  await tx.query(
    `INSERT INTO scim_group_members (group_id, user_id, display) SELECT $1, m.value, m.display FROM unnest($2::uuid[], $3::text[]) AS m(value, display)
     ON CONFLICT (group_id, user_id) DO UPDATE SET display = EXCLUDED.display`,
    [groupId, members.map((m) => m.value), members.map((m) => m.display ?? null)],
  );
}

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

export function createScimGroupsData(db: Db) {
  return {
    async byId(accountId: string, id: string, withMembers = true): Promise<ScimGroupRow | undefined> {
      if (!isUuid(id)) return undefined;
      const { rows } = await db.query<ScimGroupRow>(`${SELECT(withMembers)} WHERE g.account_id = $1 AND g.id = $2`, [accountId, id]);
      return rows[0];
    },

    async list(accountId: string, where: { sql: string; params: unknown[] } | undefined, offset: number, limit: number, withMembers: boolean) {
      const cond = where ? `AND ${where.sql}` : '';
      const params = [accountId, ...(where?.params ?? [])];
      const [count, page] = await Promise.all([
        db.query<{ n: number }>(`SELECT count(*)::int AS n FROM scim_groups g WHERE g.account_id = $1 ${cond}`, params),
        limit === 0 ? Promise.resolve({ rows: [] as ScimGroupRow[] }) : db.query<ScimGroupRow>(`${SELECT(withMembers)} WHERE g.account_id = $1 ${cond} ORDER BY g.created_at, g.id OFFSET ${offset} LIMIT ${limit}`, params),
      ]);
      return { total: count.rows[0]!.n, rows: page.rows };
    },

    /** Which of these ids are users of the account (members must be). */
    async knownUsers(accountId: string, ids: string[]): Promise<Set<string>> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return new Set();
      const { rows } = await db.query<{ id: string }>(`SELECT id FROM scim_users WHERE account_id = $1 AND id = ANY($2::uuid[])`, [accountId, valid]);
      return new Set(rows.map((r) => r.id));
    },

    async create(accountId: string, g: { displayName: string; externalId: string | null; members: Member[] }): Promise<string> {
      try {
        return await inTransaction(db, async (tx) => {
          const { rows } = await tx.query<{ id: string }>(`INSERT INTO scim_groups (account_id, display_name, external_id) VALUES ($1, $2, $3) RETURNING id`, [accountId, g.displayName, g.externalId]);
          const id = rows[0]!.id;
          await addMembers(tx, id, g.members);
          return id;
        });
      } catch (err) {
        throw uniqueName(err);
      }
    },

    /**
     * Sets name, externalId and members (adding and removing only the difference), at If-Match's
     * version when given. Answers the users whose membership changed.
     */
    async update(accountId: string, id: string, g: { displayName: string; externalId: string | null; add: Member[]; remove: string[] }, expectedVersion?: number): Promise<'updated' | 'missing' | 'stale'> {
      try {
        return await inTransaction(db, async (tx) => {
          const { rowCount } = await tx.query(
            `UPDATE scim_groups SET display_name = $3, external_id = $4, version = version + 1, updated_at = now() WHERE account_id = $1 AND id = $2 AND ($5::int IS NULL OR version = $5)`,
            [accountId, id, g.displayName, g.externalId, expectedVersion ?? null],
          );
          if (rowCount !== 1) {
            const { rowCount: exists } = await tx.query(`SELECT 1 FROM scim_groups WHERE account_id = $1 AND id = $2`, [accountId, id]);
            return exists ? 'stale' : 'missing';
          }
          await addMembers(tx, id, g.add);
          if (g.remove.length > 0) await tx.query(`DELETE FROM scim_group_members WHERE group_id = $1 AND user_id = ANY($2::uuid[])`, [id, g.remove]);
          return 'updated';
        });
      } catch (err) {
        throw uniqueName(err);
      }
    },

    async remove(accountId: string, id: string): Promise<string[]> {
      const { rows } = await db.query<{ user_id: string }>(
        `WITH gone AS (DELETE FROM scim_groups WHERE account_id = $1 AND id = $2 RETURNING id) SELECT m.user_id FROM scim_group_members m WHERE m.group_id IN (SELECT id FROM gone)`,
        [accountId, id],
      );
      return rows.map((r) => r.user_id);
    },

    /** Each user's groups (names), to apply the group mapping. */
    async groupsOf(userIds: string[]): Promise<Array<{ userId: string; requestId: string; groups: string[] }>> {
      if (userIds.length === 0) return [];
      const { rows } = await db.query(
        `SELECT u.id AS "userId", u.request_id AS "requestId",
                coalesce(array_agg(g.display_name) FILTER (WHERE g.id IS NOT NULL), '{}') AS groups
           FROM scim_users u LEFT JOIN scim_group_members m ON m.user_id = u.id LEFT JOIN scim_groups g ON g.id = m.group_id
          WHERE u.id = ANY($1::uuid[]) GROUP BY u.id`,
        [userIds],
      );
      return rows;
    },
  };
}
export type ScimGroupsData = ReturnType<typeof createScimGroupsData>;
