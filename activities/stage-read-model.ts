// The read model's writer for stage entries that no other activity writes: every workflow calls it
// as a local activity (one marker event) from `enterStage` (workflows/stages.ts). Idempotent, and
// guarded by the stage's time, so a retry or a replay never takes a row back.
import type { ActivityDependencies } from './dependencies';
import { writeStage } from '../db/read-model/stage-writes';
import type { StageRecord } from '../domain/stage-records';

export function createStageReadModelActivities({ db }: Pick<ActivityDependencies, 'db'>) {
  return {
    async recordStage(record: StageRecord): Promise<void> {
      await writeStage(db, record);
    },
  };
}
