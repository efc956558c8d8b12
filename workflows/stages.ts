// Entering a stage, the same way in every workflow: the status the queries answer with, the
// OnboardingStage/OnboardingStageSince search attributes support staff filter on, the one-line
// "where it stands" the Temporal UI shows, a log line, and the read model in PostgreSQL that the
// API's lists are served from.
import { allHandlersFinished, condition, log, patched, proxyLocalActivities, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { StageRecord } from '../domain/stage-records';
import { untilItSucceeds } from './activity-options';
import { OnboardingStage, OnboardingStageSince } from './search-attributes';

/** A workflow's status as far as stages go: where it stands, and (if it keeps them) when each stage was entered. */
export interface StagedStatus<Stage extends string> {
  stage: Stage;
  /** ISO time of entering each stage reached so far (the latest entry, for stages entered again). */
  stageTimes?: Partial<Record<Stage, string>>;
}

/** Where the one-line summary goes; by default the workflow's current details (no history event). */
export type ShowSummary = (summary: string) => void;

/** What a stage's record in the read model says besides the workflow, the stage and its time. */
export type StageRecordDetails = StageRecord extends infer R ? (R extends StageRecord ? Omit<R, 'workflowId' | 'stage' | 'since'> : never) : never;

export interface EnterStageOptions {
  showSummary?: ShowSummary;
  /**
   * Recorded in the read model by the recordStage local activity, before the stage goes on.
   * Absent where nothing is to be recorded here: the activity that just ran wrote the stage in its
   * own transaction (it was given `since`), or the workflow's row does not exist yet.
   */
  record?: StageRecordDetails;
  /** When the stage was entered, if not now: the time given to the activity that recorded it. */
  since?: string;
}

/**
 * Every stage entry is recorded in the read model (PostgreSQL), so a list never disagrees with the
 * workflow for longer than one activity: one local activity (one marker event) per entry, done
 * before the stage's next step. Workflows started before this change replay as they were written;
 * live again, they record from their next stage on.
 */
export const STAGE_READ_MODEL = 'stage-read-model-v1';

const readModel = proxyLocalActivities<Activities>(untilItSucceeds('30 seconds'));

export async function enterStage<Stage extends string>(status: StagedStatus<Stage>, stage: Stage, summary: string, options: EnterStageOptions = {}): Promise<void> {
  const now = new Date();
  const since = options.since ?? now.toISOString();
  status.stage = stage;
  if (status.stageTimes) status.stageTimes[stage] = since;
  upsertSearchAttributes([
    { key: OnboardingStage, value: stage },
    { key: OnboardingStageSince, value: now },
  ]);
  (options.showSummary ?? setCurrentDetails)(summary);
  log.info(summary, { stage });
  if (options.record && patched(STAGE_READ_MODEL)) {
    await readModel.recordStage({ ...options.record, workflowId: workflowInfo().workflowId, stage, since } as StageRecord);
  }
}

/** A stage of a lifecycle: one function that does the stage and returns the stage to run next (undefined once the lifecycle has ended). */
export type StageFunction<State> = (state: State) => Promise<StageFunction<State> | undefined>;

/** Runs a lifecycle: from the first stage, each stage decides the next, until one ends it. */
export async function runStages<State>(first: StageFunction<State> | undefined, state: State): Promise<void> {
  for (let next = first; next; ) next = await next(state);
}

/**
 * Runs a lifecycle to its end, then `ending` (what the workflow does once its last stage is over),
 * then waits until every update and signal handler still running has finished, so each update gets
 * its answer before the workflow ends.
 */
export async function runToEnd<State>(first: StageFunction<State> | undefined, state: State, ending?: (state: State) => unknown): Promise<void> {
  await runStages(first, state);
  await ending?.(state);
  await condition(allHandlersFinished);
}
