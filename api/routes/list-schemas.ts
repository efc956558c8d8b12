// Query-string schemas every list shares: filters that take one or more values, times, durations,
// and the page (limit and opaque cursor); and the shapes of a page and of a summary.
import { z } from 'zod';

// Each filter's documented schema is exactly what it accepts (a fuzzer fed the document finds
// any gap): patterns spell the accepted forms with explicit character sets, since JavaScript's and
// Python's `\s` and `\d` differ beyond ASCII.

/** Separators a list or a number may carry: spaces; in numbers also brackets, dots and dashes. */
const SPACES = '[ \\t\\n\\r\\f\\v]';
const trimSpaces = (s: string) => s.replace(new RegExp(`^${SPACES}+|${SPACES}+$`, 'g'), '');
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One or more of `values`: comma-separated, or the parameter repeated (`stage=expired&stage=revoked`). */
export const oneOrMore = <T extends string>(values: readonly [T, ...T[]], what?: string) => {
  const one = `(?:${values.map(escape).join('|')})`;
  const list = z.string().regex(new RegExp(`^ *${one} *(?:, *${one} *)*$`), `one or more of ${values.join(', ')}, comma-separated`);
  return z
    .union([list, z.array(list).min(1)])
    .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim() as T))
    .describe(`${what ? `${what}: o` : 'O'}ne or more of ${values.join(', ')} (comma-separated, or the parameter repeated)`);
};

/** An instant with its offset, e.g. 2026-11-01T00:00:00Z. */
export const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s)).describe('An ISO 8601 instant with its offset, e.g. 2026-11-01T00:00:00Z');

const MINUTE = 60_000;
const UNIT_MS: Record<string, number> = { m: MINUTE, h: 60 * MINUTE, d: 1440 * MINUTE, w: 7 * 1440 * MINUTE };
/** Longer than any link lives: a longer duration finds the same invitations. */
const MAX_DURATION_MS = 366 * UNIT_MS.d!;
const DURATION = /^(?:([1-9][0-9]{0,5}) ?([mhdwMHDW])|[Pp]([1-9][0-9]{0,5})([dwDW])|[Pp][Tt]([1-9][0-9]{0,5})([hmHM]))$/;

/** A positive duration: `2d`, `36h`, `90m`, `1w`, or ISO 8601 (`P2D`, `PT36H`); milliseconds, at most a year. */
export const duration = z
  .string()
  .regex(DURATION, 'use a positive duration, like 2d, 36h, 90m, 1w or P2D')
  .transform((s) => {
    const [, n1, u1, n2, u2, n3, u3] = DURATION.exec(s)!;
    const [n, unit] = n1 ? [n1, u1!] : n2 ? [n2, u2!] : [n3!, u3!];
    return Math.min(Number(n) * UNIT_MS[unit.toLowerCase()]!, MAX_DURATION_MS);
  })
  .describe('A duration: 2d, 36h, 90m, 1w, or ISO 8601 such as P2D or PT36H (beyond a year counts as a year)');

/** Lower-cased, spaces around dropped; at least one other character (and no NUL, which PostgreSQL refuses). */
export const emailText = z
  .string()
  .max(320)
  .regex(new RegExp(`^[^\\u0000]*[^ \\t\\n\\r\\f\\v\\u0000][^\\u0000]*$`), 'give an address or the start of one')
  .transform((s) => trimSpaces(s).toLowerCase());
/** As stored: E.164, spaces, dashes, dots and brackets dropped. */
const SEPARATORS = '[ \\t\\n\\r\\f\\v().-]';
export const phoneText = z
  .string()
  .max(100)
  .regex(new RegExp(`^${SEPARATORS}*\\+?${SEPARATORS}*(?:[0-9]${SEPARATORS}*){1,15}$`), 'digits, with a leading + (E.164, e.g. +14155550123)')
  .transform((s) => s.replace(new RegExp(SEPARATORS, 'g'), ''));

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Rows per page, 1 to 200 (default 50)'),
  cursor: z.string().min(1).max(1000).optional().describe('`nextCursor` of the previous page, with the same filters'),
};

/**
 * A text filter as the read model's `matches` takes it: `<name>` exactly, and `<name>Prefix` for
 * values starting with it.
 */
export function exactOrPrefix<Name extends string, Text extends z.ZodType>(name: Name, text: Text, descriptions: { exactly: string; prefix: string }) {
  return {
    [name]: text.optional().describe(descriptions.exactly),
    [`${name}Prefix`]: text.optional().describe(descriptions.prefix),
  } as { [K in Name | `${Name}Prefix`]: z.ZodOptional<Text> };
}

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
