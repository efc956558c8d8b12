// An uploaded batch as rows to check: a CSV file (a header line naming the columns: email or
// phone, role, license, locale, send at) or a JSON list, each row with the line people will be
// told about (the CSV line, the header being line 1; or the item's 1-based position in the list).
import { parse, CsvError } from 'csv-parse/sync';
import { MAX_BATCH_ROWS } from '../../../domain/invitation-batches';
import type { BatchRowInput, BatchRowError } from '../../../domain/batch-rows';

/** The columns a CSV may have, by their normalised header ("Send at", "send_at" and "sendAt" are one). */
const columns = { email: 'email', phone: 'phone', role: 'role', license: 'license', locale: 'locale', send_at: 'sendAt', sendat: 'sendAt' } as const;
type Column = (typeof columns)[keyof typeof columns];

const normalise = (header: string) => header.trim().toLowerCase().replace(/[\s_-]+/g, '_');

export type ParsedRows = { rows: BatchRowInput[]; errors: BatchRowError[] };

/** A file-level problem (no header, an unknown column, too many rows) or a malformed CSV line. */
const fileError = (line: number, message: string): ParsedRows => ({ rows: [], errors: [{ line, field: 'file', message }] });

export function rowsFromCsv(text: string): ParsedRows {
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  let unknown: string[] = [];
  let named: Column[] = [];
  try {
    records = parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
      columns: (header: string[]) => {
        const keys = header.map(normalise);
        unknown = header.filter((_, i) => !(keys[i]! in columns));
        named = keys.flatMap((k) => (k in columns ? [columns[k as keyof typeof columns]] : []));
        return keys.map((k) => (k in columns ? columns[k as keyof typeof columns] : k));
      },
    }) as typeof records;
  } catch (err) {
    if (err instanceof CsvError) return fileError((err as CsvError & { lines?: number }).lines ?? 1, `The file is not valid CSV: ${err.message}`);
    throw err;
  }
  if (unknown.length > 0) return fileError(1, `Unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => `"${c}"`).join(', ')}: use email or phone, role, license, locale, send at`);
  if (!named.includes('email') && !named.includes('phone')) return fileError(1, 'The header line must name an email or a phone column (email, phone, role, license, locale, send at)');
  if (records.length === 0) return fileError(2, 'The file has no rows');
  if (records.length > MAX_BATCH_ROWS) return fileError(records[MAX_BATCH_ROWS]!.info.lines, `At most ${MAX_BATCH_ROWS} rows per batch (got ${records.length})`);
  return { rows: records.map(({ record, info }) => ({ line: info.lines, ...record })), errors: [] };
}

/** A JSON item: a row as uploaded, without the line (its position gives it). */
export type JsonInvitationRow = Omit<BatchRowInput, 'line'>;

export function rowsFromJson(items: JsonInvitationRow[]): ParsedRows {
  return { rows: items.map((item, i) => ({ line: i + 1, ...item })), errors: [] };
}
