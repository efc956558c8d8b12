// Command-line words for a stalled-activations sweep, shared by `stalled` and `stalled:schedule`.
import ms from 'ms';
import { sweepActions, type SweepAction, type SweepCriteria } from '../operations/stalled-activations';
import { invitationStages, type InvitationStage } from '../domain/stages';

export const sweepOptions = {
  stage: { type: 'string' }, 'older-than': { type: 'string' }, 'expiring-within': { type: 'string' }, account: { type: 'string' }, action: { type: 'string' },
} as const;

export function duration(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = ms(v as ms.StringValue);
  if (typeof n !== 'number' || !(n > 0)) throw new Error(`${flag}: "${v}" is not a duration like 90m, 3d`);
  return n;
}

export function sweepFromArgs(v: Partial<Record<keyof typeof sweepOptions, string>>): { criteria: SweepCriteria; action?: SweepAction } {
  if (!v.stage || !invitationStages.includes(v.stage as InvitationStage)) throw new Error(`--stage must be one of ${invitationStages.join(', ')}`);
  if (v.action && !(v.action in sweepActions)) throw new Error(`--action must be one of ${Object.keys(sweepActions).join(', ')}`);
  return {
    criteria: {
      stage: v.stage as InvitationStage,
      olderThanMs: duration('--older-than', v['older-than']),
      expiringWithinMs: duration('--expiring-within', v['expiring-within']),
      ...(v.account ? { accountId: v.account } : {}),
    },
    ...(v.action ? { action: v.action as SweepAction } : {}),
  };
}
