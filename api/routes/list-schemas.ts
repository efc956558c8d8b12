// Query-string schemas every list shares: filters that take one or more values, times, durations,
// and the page (limit and opaque cursor); and the shapes of a page and of a summary.
import { Duration } from 'luxon';
import ms from 'ms';
import { z } from 'zod';

/** One or more of `values`: comma-separated, or the parameter repeated (`stage=expired&stage=revoked`). */
export const oneOrMore = <T extends string>(values: readonly [T, ...T[]], what?: string) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)).min(1, 'give at least one value'))
    .describe(`${what ? `${what}: o` : 'O'}ne or more of ${values.join(', ')} (comma-separated, or the parameter repeated)`);

/** An instant with its offset, e.g. 2026-11-01T00:00:00Z. */
export const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s)).describe('An ISO 8601 instant with its offset, e.g. 2026-11-01T00:00:00Z');

const MAX_DURATION_MS = 366 * 86_400_000;
function durationMs(s: string): number | undefined {
  try {
    const v = /^P/i.test(s) ? Duration.fromISO(s.toUpperCase()).as('milliseconds') : ms(s as ms.StringValue);
    return typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= MAX_DURATION_MS ? v : undefined;
  } catch {
    return undefined; // ms throws on what it cannot read (e.g. an empty string)
  }
}

/** A positive duration up to a year: `2d`, `36h`, `90m`, or ISO 8601 (`P2D`, `PT36H`); milliseconds. */
export const duration = z
  .string()
  .max(40)
  .transform((s, ctx) => {
    const v = durationMs(s.trim());
    if (v === undefined) ctx.addIssue({ code: 'custom', message: 'use a positive duration up to a year, like 2d, 36h, 90m or P2D' });
    return v ?? z.NEVER;
  })
  .describe('A duration: 2d, 36h, 90m, or ISO 8601 such as P2D');

/** Lower-cased, trimmed. */
export const emailText = z.string().trim().min(1).max(320).transform((s) => s.toLowerCase());
/** As stored: E.164, spaces, dashes, dots and brackets dropped. */
export const phoneText = z
  .string()
  .transform((s) => s.replace(/[\s().-]/g, ''))
  .pipe(z.string().regex(/^\+?\d{1,15}$/, 'digits, with a leading + (E.164, e.g. +14155550123)'));

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Rows per page, 1 to 200 (default 50)'),
  cursor: z.string().min(1).max(1000).optional().describe('`nextCursor` of the previous page, with the same filters'),
};

export const createdRange = {
  createdAfter: instant.optional().describe('Created at or after this instant'),
  createdBefore: instant.optional().describe('Created before this instant'),
};

export const workflowLink = {
  workflowId: z.string().describe('The Temporal workflow carrying it'),
  workflowUrl: z.string().describe('That workflow in the Temporal UI'),
};

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
  });

export const stageCounts = <T extends string>(stages: readonly [T, ...T[]]) =>
  z.object({
    total: z.number(),
    byStage: z.object(Object.fromEntries(stages.map((s) => [s, z.number()])) as Record<T, z.ZodNumber>),
    notRecorded: z.number().describe('Started before the read model and not backfilled, or not started yet: no stage recorded'),
  });
