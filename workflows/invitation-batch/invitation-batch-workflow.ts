// One batch of invitations (or one bulk action), stage by stage:
//
//   fanning out   chunk after chunk, an activity reads the next pending rows from PostgreSQL and
//                 starts their invitation workflows (or asks existing ones to resend, remind or
//                 revoke), recording each row's outcome; between chunks a timer keeps the account's
//                 pace of messages. Every few dozen chunks the workflow continues as new, so no
//                 history grows past a few hundred events.
//   cancelling    asked to cancel: rows not yet started are cancelled, started invitations still
//                 scheduled well ahead of their send time are revoked; sent ones are left alone
//   completed | cancelled
//
// The rows never travel in a payload: the workflow holds the batch id and the counts.
import { ApplicationFailure, condition, continueAsNew, proxyActivities, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { failureTypes } from '../../domain/failures';
import { DEFAULT_BATCH_CHUNK_SIZE, type BatchStage } from '../../domain/invitation-batches';
import { stageWords } from '../../domain/stages';
import { heartbeating } from '../activity-options';
import { enterStage } from '../stages';
import { cancelBatch, getBatchProgress, type BatchProgress, type BatchProgressCounts, type InvitationBatchInput } from './definitions';

/** Chunks in one run before it continues as new: each costs about 10 history events. */
export const CHUNKS_PER_RUN = 40;
/** Waits for the pace shorter than this are not worth a timer. */
const MIN_PACE_WAIT_MS = 1_000;

/** A chunk starts up to a few hundred workflows. */
const rows = proxyActivities<Activities>(heartbeating('Next chunk of rows', '5 minutes', '10 seconds'));

interface BatchState {
  readonly input: InvitationBatchInput;
  readonly progress: BatchProgress;
  cancel: boolean;
}

const ended = (stage: BatchStage) => stage === 'completed' || stage === 'cancelled';

export async function invitationBatchWorkflow(input: InvitationBatchInput): Promise<BatchProgress> {
  const state = newBatchState(input);
  handleBatchRequests(state);
  enter(state, 'fanning_out');
  const outcome = await fanningOut(state);
  if (outcome === 'continue' && !state.cancel) {
    return continueAsNew<typeof invitationBatchWorkflow>({ ...input, progress: state.progress.counts, run: state.progress.run + 1 });
  }
  if (state.cancel) await cancelling(state);
  else enter(state, 'completed');
  return state.progress;
}

function newBatchState(input: InvitationBatchInput): BatchState {
  const counts = { ...input.progress };
  return {
    input,
    progress: {
      batchId: input.batchId, kind: input.kind, stage: 'fanning_out', rowCount: input.rowCount, counts,
      settled: Object.values(counts).reduce((a, b) => a + (b ?? 0), 0), run: input.run ?? 1,
    },
    cancel: false,
  };
}

function handleBatchRequests(state: BatchState): void {
  setHandler(getBatchProgress, () => state.progress);
  setHandler(
    cancelBatch,
    async () => {
      state.cancel = true;
      await condition(() => ended(state.progress.stage));
      return state.progress;
    },
    {
      validator: () => {
        if (ended(state.progress.stage) || state.progress.stage === 'cancelling') {
          throw ApplicationFailure.create({ type: failureTypes.wrongStage, nonRetryable: true, message: `Cannot cancel: the batch is ${stageWords(state.progress.stage)}` });
        }
      },
    },
  );
}

/** Chunk after chunk until no row is left, the batch is cancelled, or this run has done its share. */
async function fanningOut(state: BatchState): Promise<'done' | 'continue'> {
  const { input } = state;
  for (let chunk = 0; ; chunk++) {
    if (state.cancel) return 'done';
    if (chunk >= CHUNKS_PER_RUN || workflowInfo().continueAsNewSuggested) return 'continue';
    const result = await rows.runBatchChunk({ batchId: input.batchId, limit: input.chunkSize ?? DEFAULT_BATCH_CHUNK_SIZE });
    add(state, result.counts);
    setCurrentDetails(summary(state));
    if (result.finished) return 'done';
    // The account's pace: the timer ends early only for a cancel. A shorter wait is skipped (timers
    // fire about a second apart anyway); the account's clock keeps it, so a later wait is longer.
    if (result.waitMs >= MIN_PACE_WAIT_MS) await condition(() => state.cancel, result.waitMs);
  }
}

async function cancelling(state: BatchState): Promise<void> {
  enter(state, 'cancelling');
  add(state, await rows.cancelBatchRows({ batchId: state.input.batchId }));
  enter(state, 'cancelled');
}

function add({ progress }: BatchState, counts: BatchProgressCounts): void {
  for (const [outcome, n] of Object.entries(counts) as Array<[keyof BatchProgressCounts, number]>) {
    if (!n) continue;
    // A row started and later revoked by the cancel moves from one count to the other.
    if (outcome === 'revoked') progress.counts.started = (progress.counts.started ?? 0) - n;
    else progress.settled += n;
    progress.counts[outcome] = (progress.counts[outcome] ?? 0) + n;
  }
}

/** Enters a stage: the OnboardingStage search attribute, the query's answer, and the progress as the Temporal UI's one-line summary. */
function enter(state: BatchState, stage: BatchStage): void {
  state.progress.stage = stage;
  enterStage(state.progress, stage, summary(state));
}

/** Where the batch stands, in one line: its current details in the Temporal UI, updated after every chunk (no history event). */
function summary({ progress, input }: BatchState): string {
  const counts = Object.entries(progress.counts).filter(([, n]) => n).map(([k, n]) => `${n} ${stageWords(k)}`).join(', ');
  const what = input.kind === 'invite' ? 'invitations' : `${input.kind} requests`;
  return `Batch of ${input.rowCount} ${what}, ${stageWords(progress.stage)} (run ${progress.run}): ${progress.settled} of ${input.rowCount} rows settled${counts ? `: ${counts}` : ''}`;
}
