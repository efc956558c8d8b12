// Pieces of regular expressions that the rules use and the request schemas publish, spelled so
// that every engine reads them alike (JavaScript's, and the JSON Schema validators and generators
// clients use): `[0-9]`, not `\d` (any Unicode digit to some engines), and white space named one by
// one, not `\s`.

/** White space as String.prototype.trim() removes it. */
export const TRIMMED_SPACE = ' \\t\\n\\r\\f\\v\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';

/** Text with some character other than white space (as the rules trim it), and no NUL (which PostgreSQL cannot store). */
export const FILLED_IN_PATTERN = `^[^\\u0000]*[^${TRIMMED_SPACE}\\u0000][^\\u0000]*$`;

/** `[Tt][Xx]`: the code in any case, ASCII letters only (toUpperCase() would also turn `ﬂ` into `FL`). */
export const anyCase = (code: string) => code.replace(/[A-Za-z]/g, (c) => `[${c.toUpperCase()}${c.toLowerCase()}]`);

/** Exactly one of the codes, in any case. */
export const oneOfCodes = (codes: readonly string[]) => `^(?:${codes.map(anyCase).join('|')})$`;
