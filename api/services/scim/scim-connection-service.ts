// The admin's side of SCIM: the connection's settings (how users are onboarded, which group gives
// which role and license) and its bearer token: shown once, rotated with an overlap so the identity
// provider can be updated without a gap, revoked at once. Good for /scim/v2 only.
import { randomBytes } from 'node:crypto';
import { hashToken } from '../../../domain/invitation-tokens';
import { needsPaidSeat } from '../../../domain/licenses';
import { problems } from '../../problems';
import type { Caller } from '../credentials';
import type { ScimConnectionData, ScimConnectionSettings } from './scim-connection-data';

const PREFIX = 'scim_';
/** How long a replaced token keeps working unless the admin says otherwise: a day to update the identity provider. */
export const DEFAULT_TOKEN_OVERLAP_MINUTES = 24 * 60;

const mayBeScimToken = (token: string) => token.startsWith(PREFIX) && token.length <= 200;

function assertAdmin(caller: Caller): void {
  if (caller.role === 'user') throw problems.forbidden('Only admins manage the SCIM connection.');
}

export function createScimConnectionService({ data, publicBaseUrl }: { data: ScimConnectionData; publicBaseUrl: string }) {
  const baseUrl = `${publicBaseUrl.replace(/\/$/, '')}/scim/v2`;

  async function view(accountId: string) {
    const connection = await data.connection(accountId);
    if (!connection) throw problems.notFound('The SCIM connection');
    return { baseUrl, setupOption: connection.setupOption, defaultLicense: connection.defaultLicense, groupMappings: connection.groupMappings, tokens: await data.tokens(accountId) };
  }

  return {
    view: (caller: Caller) => (assertAdmin(caller), view(caller.accountId)),

    async configure(caller: Caller, s: ScimConnectionSettings) {
      assertAdmin(caller);
      // As when adding users by hand: only a Super Admin gives the Super Admin role or Video Pro+.
      const grants = [...s.groupMappings, { group: '', role: 'user' as const, license: s.defaultLicense }];
      if (caller.role !== 'super_admin' && grants.some((m) => m.role === 'super_admin' || m.license === 'video_pro_plus')) {
        throw problems.forbidden('Only a Super Admin may map groups to the Super Admin role or to Video Pro+.');
      }
      if (needsPaidSeat(s.defaultLicense) && caller.role !== 'super_admin' && !caller.canPurchase) {
        throw problems.forbidden('A paid default license needs a Super Admin or an admin with purchasing permission.');
      }
      await data.upsert(caller.accountId, caller.userId, s);
      return view(caller.accountId);
    },

    /** A new token, in this answer only; the previous ones keep working for `overlapMinutes`. */
    async rotateToken(caller: Caller, overlapMinutes = DEFAULT_TOKEN_OVERLAP_MINUTES) {
      assertAdmin(caller);
      await data.ensure(caller.accountId, caller.userId);
      const token = PREFIX + randomBytes(32).toString('base64url');
      const { id, previousExpireAt } = await data.rotate(caller.accountId, hashToken(token), overlapMinutes);
      return { id, token, baseUrl, previousTokensExpireAt: previousExpireAt };
    },

    async revokeTokens(caller: Caller): Promise<void> {
      assertAdmin(caller);
      await data.revokeAll(caller.accountId);
    },

    /** The account whose SCIM connection the token opens, or undefined. */
    async accountFor(token: string): Promise<string | undefined> {
      return mayBeScimToken(token) ? data.accountByTokenHash(hashToken(token)) : undefined;
    },
  };
}
export type ScimConnectionService = ReturnType<typeof createScimConnectionService>;
