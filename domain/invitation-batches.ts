// Batches of invitations (a CSV or JSON upload of up to 10,000 rows) and bulk actions on
// invitations, carried out by one batch workflow in chunks: the words every layer uses for them.
// Workflow-safe: constants and types only.

export const MAX_BATCH_ROWS = 10_000;

/** What a batch does to each row: start an invitation, or ask an existing one to resend, remind or revoke. */
export const batchKinds = ['invite', 'resend', 'remind', 'revoke'] as const;
export type BatchKind = (typeof batchKinds)[number];
export const bulkActions = ['resend', 'remind', 'revoke'] as const satisfies readonly BatchKind[];
export type BulkAction = (typeof bulkActions)[number];

/**
 * Where a row ended. An invitation row: started (its invitation workflow runs), already_invited
 * (the person had a live invitation, left as it is), already_user (an active user of the account),
 * failed (with the reason), cancelled (the batch was cancelled before its turn), revoked (started
 * as scheduled, revoked unsent by the cancel). A bulk-action row: done, skipped (the invitation's
 * stage does not take the action, e.g. a reminder after signup), failed.
 * `pending` and `starting` are not ends: the row's turn has not come, or its start is under way.
 */
export const batchRowOutcomes = ['pending', 'starting', 'started', 'already_invited', 'already_user', 'failed', 'cancelled', 'revoked', 'done', 'skipped'] as const;
export type BatchRowOutcome = (typeof batchRowOutcomes)[number];

/** The batch workflow's stages (the OnboardingStage search attribute of its workflow). */
export const batchStages = ['fanning_out', 'cancelling', 'completed', 'cancelled'] as const;
export type BatchStage = (typeof batchStages)[number];

/** Rows per chunk: one activity reads this many pending rows and starts (or asks) their invitations. */
export const DEFAULT_BATCH_CHUNK_SIZE = 100;

/** Messages a minute one account's batches may send, unless the account has its own rate. */
export const DEFAULT_BATCH_MESSAGES_PER_MINUTE = 1_200;
