// The scim_users table, with the user row its provisioning request made (found by provisioning key)
// and the groups it is in. The unique indexes on userName and externalId make the first create win.
import { DatabaseError } from 'pg';
import type { Db } from '../../../db';
import type { Role } from '../../../domain/roles';
import { scimErrors } from './scim-errors';
import { jsonbArray, type FilterColumns } from './scim-filter';

export interface NewScimUser {
  id: string;
  accountId: string;
  userName: string;
  externalId: string | null;
  resource: Record<string, unknown>;
  active: boolean;
  requestId: string;
  provisioningKey: string;
}

/** A SCIM user as stored, with what the provisioning workflow made of it. */
export interface ScimUserRow extends NewScimUser {
  started: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  /** The user row, once the provisioning workflow made it. */
  userId: string | null;
  userStatus: string | null;
  onboardingStage: string | null;
  groups: Array<{ value: string; display: string }>;
}

const SELECT = `
  SELECT s.id, s.account_id AS "accountId", s.user_name AS "userName", s.external_id AS "externalId", s.resource, s.active,
         s.request_id AS "requestId", s.provisioning_key AS "provisioningKey", s.started, s.version,
         s.created_at AS "createdAt", s.updated_at AS "updatedAt",
         u.id AS "userId", u.status AS "userStatus", u.onboarding_stage AS "onboardingStage",
         coalesce((SELECT jsonb_agg(jsonb_build_object('value', g.id, 'display', g.display_name) ORDER BY g.display_name)
                     FROM scim_group_members m JOIN scim_groups g ON g.id = m.group_id WHERE m.user_id = s.id), '[]') AS groups
    FROM scim_users s LEFT JOIN users u ON u.provisioning_key = s.provisioning_key`;

/** What a filter on Users may name (RFC 7643 §4.1 attributes this provider keeps). */
export const userFilterColumns: FilterColumns = {
  scalar: {
    id: { sql: 's.id::text', type: 'text' },
    username: { sql: 's.user_name', type: 'ci' },
    externalid: { sql: 's.external_id', type: 'text' },
    active: { sql: 's.active', type: 'bool' },
    displayname: { sql: `s.resource->>'displayName'`, type: 'ci' },
    nickname: { sql: `s.resource->>'nickName'`, type: 'ci' },
    title: { sql: `s.resource->>'title'`, type: 'ci' },
    usertype: { sql: `s.resource->>'userType'`, type: 'ci' },
    locale: { sql: `s.resource->>'locale'`, type: 'ci' },
    preferredlanguage: { sql: `s.resource->>'preferredLanguage'`, type: 'ci' },
    'name.givenname': { sql: `s.resource#>>'{name,givenName}'`, type: 'ci' },
    'name.familyname': { sql: `s.resource#>>'{name,familyName}'`, type: 'ci' },
    'name.formatted': { sql: `s.resource#>>'{name,formatted}'`, type: 'ci' },
    'meta.created': { sql: 's.created_at', type: 'time' },
    'meta.lastmodified': { sql: 's.updated_at', type: 'time' },
    'enterprise:employeenumber': { sql: `s.resource#>>'{urn:ietf:params:scim:schemas:extension:enterprise:2.0:User,employeeNumber}'`, type: 'text' },
    'enterprise:department': { sql: `s.resource#>>'{urn:ietf:params:scim:schemas:extension:enterprise:2.0:User,department}'`, type: 'ci' },
    'enterprise:costcenter': { sql: `s.resource#>>'{urn:ietf:params:scim:schemas:extension:enterprise:2.0:User,costCenter}'`, type: 'ci' },
    'enterprise:manager.value': { sql: `s.resource#>>'{urn:ietf:params:scim:schemas:extension:enterprise:2.0:User,manager,value}'`, type: 'text' },
  },
  multi: {
    emails: jsonbArray(`s.resource->'emails'`),
    phonenumbers: jsonbArray(`s.resource->'phoneNumbers'`),
    groups: (where) => `EXISTS (SELECT 1 FROM scim_group_members gm WHERE gm.user_id = s.id AND ${where((name) => ({ sql: name === 'value' ? 'gm.group_id::text' : `(SELECT display_name FROM scim_groups WHERE id = gm.group_id)`, type: name === 'value' ? 'text' : 'ci' }))})`,
  },
};

const isUniqueViolation = (err: unknown) => err instanceof DatabaseError && err.code === '23505';

export function createScimUsersData(db: Db) {
  return {
    /** Inserts the user unless its userName or externalId is taken (then undefined): the first create wins. */
    async insert(u: NewScimUser): Promise<boolean> {
      const { rowCount } = await db.query(
        `INSERT INTO scim_users (id, account_id, user_name, external_id, resource, active, request_id, provisioning_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
        [u.id, u.accountId, u.userName, u.externalId, JSON.stringify(u.resource), u.active, u.requestId, u.provisioningKey],
      );
      return rowCount === 1;
    },

    /** The user holding this userName or externalId. */
    async taken(accountId: string, userName: string, externalId: string | null): Promise<ScimUserRow | undefined> {
      const { rows } = await db.query<ScimUserRow>(
        `${SELECT} WHERE s.account_id = $1 AND (lower(s.user_name) = lower($2) OR s.external_id = $3) ORDER BY lower(s.user_name) = lower($2) DESC LIMIT 1`,
        [accountId, userName, externalId],
      );
      return rows[0];
    },

    async byId(accountId: string, id: string): Promise<ScimUserRow | undefined> {
      if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
      const { rows } = await db.query<ScimUserRow>(`${SELECT} WHERE s.account_id = $1 AND s.id = $2`, [accountId, id]);
      return rows[0];
    },

    async markStarted(id: string): Promise<void> {
      await db.query(`UPDATE scim_users SET started = true WHERE id = $1`, [id]);
    },

    /** A page of the account's users matching the filter, oldest first, and how many match in all. */
    async list(accountId: string, where: { sql: string; params: unknown[] } | undefined, offset: number, limit: number): Promise<{ total: number; rows: ScimUserRow[] }> {
      const cond = where ? `AND ${where.sql}` : '';
      const params = [accountId, ...(where?.params ?? [])];
      const [count, page] = await Promise.all([
        db.query<{ n: number }>(`SELECT count(*)::int AS n FROM scim_users s WHERE s.account_id = $1 ${cond}`, params),
        limit === 0
          ? Promise.resolve({ rows: [] as ScimUserRow[] })
          : db.query<ScimUserRow>(`${SELECT} WHERE s.account_id = $1 ${cond} ORDER BY s.created_at, s.id OFFSET ${offset} LIMIT ${limit}`, params),
      ]);
      return { total: count.rows[0]!.n, rows: page.rows };
    },

    /**
     * Replaces the resource. With `expectedVersion` (If-Match) only that version is replaced;
     * undefined when the row is gone or at another version.
     */
    async replace(accountId: string, id: string, r: { userName: string; externalId: string | null; resource: Record<string, unknown>; active: boolean }, expectedVersion?: number): Promise<'replaced' | 'missing' | 'stale'> {
      try {
        const { rowCount } = await db.query(
          `UPDATE scim_users SET user_name = $3, external_id = $4, resource = $5, active = $6, version = version + 1, updated_at = now()
            WHERE account_id = $1 AND id = $2 AND ($7::int IS NULL OR version = $7)`,
          [accountId, id, r.userName, r.externalId, JSON.stringify(r.resource), r.active, expectedVersion ?? null],
        );
        if (rowCount === 1) return 'replaced';
      } catch (err) {
        if (isUniqueViolation(err)) throw scimErrors.uniqueness('Another user of this account has this userName or externalId.');
        throw err;
      }
      return (await this.byId(accountId, id)) ? 'stale' : 'missing';
    },

    /** The names and cost center (multi-site accounts have them) the identity provider keeps in step with the user row, once it exists. */
    async syncUserRow(provisioningKey: string, fields: { firstName: string; lastName: string; costCenter: string | null }): Promise<void> {
      await db.query(
        `UPDATE users u SET first_name = $2, last_name = $3, cost_center = CASE WHEN a.multi_site THEN $4 ELSE u.cost_center END
           FROM accounts a WHERE u.provisioning_key = $1 AND a.id = u.account_id`,
        [provisioningKey, fields.firstName, fields.lastName, fields.costCenter],
      );
    },

    async remove(accountId: string, id: string): Promise<void> {
      await db.query(`DELETE FROM scim_users WHERE account_id = $1 AND id = $2`, [accountId, id]);
    },

    /** Who set up the connection, as provisioning requests name their requester. */
    async requester(accountId: string, userId: string): Promise<{ userId: string; name: string; role: Role } | undefined> {
      const { rows } = await db.query<{ userId: string; name: string; role: Role }>(
        `SELECT id AS "userId", trim(first_name || ' ' || last_name) AS name, role FROM users WHERE id = $1 AND account_id = $2`,
        [userId, accountId],
      );
      return rows[0];
    },
  };
}
export type ScimUsersData = ReturnType<typeof createScimUsersData>;
