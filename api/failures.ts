// The one place the API reads a workflow's refusal: the ApplicationFailure types declared in
// domain/failures.ts become problem+json here (and, for the signup pages, form errors).
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { failureTypes, type FailureType } from '../domain/failures';
import type { FieldError } from '../domain/field-errors';
import { problems, type Problem } from './problems';

/** A refused update: its failure type, message and the failing fields (`details[0]`, when the type has them). */
export interface Refusal {
  type: FailureType;
  message: string;
  errors: FieldError[];
}

export function refusalOf(err: unknown): Refusal | undefined {
  const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
  if (!(cause instanceof ApplicationFailure) || !cause.type) return undefined;
  return { type: cause.type as FailureType, message: cause.message, errors: (cause.details?.[0] as FieldError[] | undefined) ?? [] };
}

/** The refusals an API caller can meet, as problems; any other failure is a bug (500). */
const asProblem: Partial<Record<FailureType, (r: Refusal) => Problem>> = {
  [failureTypes.wrongStage]: (r) => problems.wrongStage(r.message),
  [failureTypes.signupRejected]: (r) => problems.signupRejected(r.message, r.errors),
  [failureTypes.alreadyAUser]: (r) => problems.alreadyAUser(r.message, { errors: r.errors }),
};

/** How a failed update reads to the caller. `what` exists (its row was checked): a workflow that cannot be found has closed. */
export function updateProblem(err: unknown, what: string): unknown {
  if (err instanceof WorkflowNotFoundError) return problems.wrongStage(`${what} has ended and can no longer be changed`);
  const refusal = refusalOf(err);
  const toProblem = refusal && asProblem[refusal.type];
  return toProblem ? toProblem(refusal) : err;
}

/** A signup the workflow refused, as the form's field errors; undefined when the failure is something else. */
export function signupRefusal(err: unknown): FieldError[] | undefined {
  const refusal = refusalOf(err);
  return refusal?.type === failureTypes.signupRejected || refusal?.type === failureTypes.alreadyAUser ? refusal.errors : undefined;
}

/** The invitation moved on before the update reached it (expired, revoked, used, or closed altogether). */
export function invitationMovedOn(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || refusalOf(err)?.type === failureTypes.wrongStage;
}
