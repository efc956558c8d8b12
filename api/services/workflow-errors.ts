// How a refused Temporal update reads to an API caller.
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Problem, problems } from '../problems';
import { failureTypes } from '../../domain/failures';
import type { FieldError } from '../../domain/field-errors';

/** `what` exists (the caller checked its row): a workflow that cannot be found has closed. */
export function updateProblem(err: unknown, what: string): unknown {
  if (err instanceof WorkflowNotFoundError) return problems.conflict('wrong-stage', `${what} has ended and can no longer be changed`);
  const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
  if (cause instanceof ApplicationFailure) {
    const fields = (cause.details?.[0] as FieldError[] | undefined) ?? [];
    switch (cause.type) {
      case failureTypes.wrongStage:
        return problems.conflict('wrong-stage', cause.message);
      case failureTypes.signupRejected:
        return new Problem(422, 'signup-rejected', 'Signup refused', cause.message, { errors: fields });
      case failureTypes.alreadyAUser:
        return problems.conflict('already-a-user', cause.message, { errors: fields });
    }
  }
  return err;
}
