// What the read model's lists share: a WHERE clause built from filters with numbered parameters,
// keyset paging over (created_at, id), newest first, and counts by stage (a list over one table:
// tableList).
import type { Queryable } from './stage-writes';

/**
 * A page's position: the last row's creation time (as PostgreSQL's exact text, microseconds
 * included, so no two rows are confused) and id. The next page starts strictly after it.
 */
export interface Keyset {
  createdAt: string;
  id: string;
}

export interface Page<Row> {
  rows: Row[];
  /** Where the next page starts; absent on the last page. */
  next?: Keyset;
}

/** Newest first; the id breaks ties between rows created in the same microsecond. */
export interface PageRequest {
  limit: number;
  after?: Keyset;
}

/** What every listed row has: its id and creation time, and that time as the keyset's exact text (pageOf). */
export interface ListedRow {
  id: string;
  created_at: Date;
  keyset_created_at: string;
}

/** A row whose workflow records its stage here: NULL until the first stage is recorded (or, for one started before the read model, until backfilled). */
export interface StagedRow<Stage extends string> {
  stage: Stage | null;
  stage_since: Date | null;
}

/** Conditions and their parameters, numbered as they are added. */
export class Conditions {
  readonly params: unknown[] = [];
  private readonly parts: string[] = [];

  /** The placeholder for a value: `$n`. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  add(condition: string): this {
    this.parts.push(condition);
    return this;
  }

  /** `column = ANY($n)` when values are given. */
  anyOf(column: string, values: readonly unknown[] | undefined): this {
    if (values && values.length > 0) this.add(values.length === 1 ? `${column} = ${this.param(values[0])}` : `${column} = ANY(${this.param(values)})`);
    return this;
  }

  /** `column LIKE 'prefix%'`, the prefix's own % and _ taken literally (a text_pattern_ops index serves it). */
  startsWith(column: string, prefix: string | undefined): this {
    if (prefix) this.add(`${column} LIKE ${this.param(`${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`);
    return this;
  }

  /** `column = $n` when a value is given. */
  equals(column: string, value: unknown): this {
    if (value) this.add(`${column} = ${this.param(value)}`);
    return this;
  }

  /** A text filter: the column equal to `exact`, and starting with `prefix`, each when given. */
  matches(column: string, exact: string | undefined, prefix: string | undefined): this {
    return this.equals(column, exact).startsWith(column, prefix);
  }

  /** `column >= after` and `column < before`, each when given. */
  createdBetween(column: string, after: Date | undefined, before: Date | undefined): this {
    if (after) this.add(`${column} >= ${this.param(after)}`);
    if (before) this.add(`${column} < ${this.param(before)}`);
    return this;
  }

  get sql(): string {
    return this.parts.length ? this.parts.join(' AND ') : 'true';
  }
}

/** The creation time as keyset text: UTC, microseconds. */
export const keysetText = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * One page of `from` (one table, aliased `alias`; `columns` of it, which must include `id` and
 * `created_at`) under `where`: rows after the keyset, newest first, one more than asked to know
 * whether another page follows. `extra` adds columns computed for the page's rows only (e.g. a
 * name looked up by id), over the page aliased `p`.
 */
export async function pageOf<Row extends Pick<ListedRow, 'id' | 'keyset_created_at'>>(
  db: Queryable,
  where: Conditions,
  table: { alias: string; from: string; columns: string; extra?: string },
  page: PageRequest,
): Promise<Page<Row>> {
  const { alias: t } = table;
  if (page.after) where.add(`(${t}.created_at, ${t}.id) < (${where.param(page.after.createdAt)}::timestamptz, ${where.param(page.after.id)})`);
  const limit = where.param(page.limit + 1);
  const { rows } = await db.query<Row>(
    `SELECT p.*${table.extra ? `, ${table.extra}` : ''}
       FROM (SELECT ${table.columns}, ${keysetText(`${t}.created_at`)} AS keyset_created_at
               FROM ${table.from}
              WHERE ${where.sql}
              ORDER BY ${t}.created_at DESC, ${t}.id DESC
              LIMIT ${limit}) p
      ORDER BY p.created_at DESC, p.id DESC`,
    where.params,
  );
  if (rows.length <= page.limit) return { rows };
  const kept = rows.slice(0, page.limit);
  const last = kept[kept.length - 1]!;
  return { rows: kept, next: { createdAt: last.keyset_created_at, id: last.id } };
}

/** Counts by a column's value under the same conditions (NULL counted under `null`). */
export async function countsBy(db: Queryable, column: string, from: string, where: Conditions): Promise<Map<string | null, number>> {
  const { rows } = await db.query<{ value: string | null; n: number }>(
    `SELECT ${column} AS value, count(*)::int AS n FROM ${from} WHERE ${where.sql} GROUP BY ${column}`,
    where.params,
  );
  return new Map(rows.map((r) => [r.value, r.n]));
}

/**
 * A list over one table (see pageOf): a page of the account's rows matching a filter, newest first,
 * and how many of them stand in each stage, both under the same conditions: the account's rows
 * (`<alias>.account_id`), then what `filtered` adds for the filter.
 */
export function tableList<Filter, Row extends ListedRow, Stage extends string>(
  db: Queryable,
  table: { alias: string; from: string; columns: string; extra?: string; stageColumn: string },
  filtered: (where: Conditions, filter: Filter) => void,
) {
  const { stageColumn, ...paged } = table;
  const conditions = (accountId: string, filter: Filter) => {
    const where = new Conditions();
    where.add(`${table.alias}.account_id = ${where.param(accountId)}`);
    filtered(where, filter);
    return where;
  };
  return {
    /** One page of the account's rows matching the filter, newest first. */
    page(accountId: string, filter: Filter, page: PageRequest): Promise<Page<Row>> {
      return pageOf<Row>(db, conditions(accountId, filter), paged, page);
    },

    /** How many of the account's rows matching the filter stand in each stage (`null`: not recorded yet). */
    countByStage(accountId: string, filter: Filter): Promise<Map<Stage | null, number>> {
      return countsBy(db, stageColumn, table.from, conditions(accountId, filter)) as Promise<Map<Stage | null, number>>;
    },
  };
}
