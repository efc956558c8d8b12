// Entering a stage, the same way in every workflow: the status the queries answer with, the
// OnboardingStage/OnboardingStageSince search attributes support staff filter on, the one-line
// "where it stands" the Temporal UI shows, and a log line.
import { log, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { OnboardingStage, OnboardingStageSince } from './search-attributes';

/** A workflow's status as far as stages go: where it stands, and (if it keeps them) when each stage was entered. */
export interface StagedStatus<Stage extends string> {
  stage: Stage;
  /** ISO time of entering each stage reached so far (the latest entry, for stages entered again). */
  stageTimes?: Partial<Record<Stage, string>>;
}

/** Where the one-line summary goes; by default the workflow's current details (no history event). */
export type ShowSummary = (summary: string) => void;

export function enterStage<Stage extends string>(status: StagedStatus<Stage>, stage: Stage, summary: string, showSummary: ShowSummary = setCurrentDetails): void {
  const now = new Date();
  status.stage = stage;
  if (status.stageTimes) status.stageTimes[stage] = now.toISOString();
  upsertSearchAttributes([
    { key: OnboardingStage, value: stage },
    { key: OnboardingStageSince, value: now },
  ]);
  showSummary(summary);
  log.info(summary, { stage });
}

/** One function per stage, each returning the stage to run next (undefined once the lifecycle has ended). */
export type StageFunctions<Name extends string, State> = Record<Name, (state: State) => Promise<Name | undefined>>;

/** Runs a lifecycle: from the first stage, each stage's function decides the next, until one ends it. */
export async function runStages<Name extends string, State>(stages: StageFunctions<Name, State>, first: Name | undefined, state: State): Promise<void> {
  for (let next = first; next; ) next = await stages[next](state);
}
