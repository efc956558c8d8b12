// SCIM filters (RFC 7644 §3.4.2.2) to SQL. The filter is parsed by scim2-parse-filter; this only
// maps its tree onto the columns of one resource type, with every value a bound parameter. An
// attribute the resource type does not map is an `invalidFilter` error, never a silent match-all.
import { parse, type Filter } from 'scim2-parse-filter';
import { scimSchemas } from '../../../domain/scim';
import { scimErrors } from './scim-errors';

type ScalarType = 'text' | 'ci' | 'bool' | 'time';
interface Scalar {
  sql: string;
  type: ScalarType;
}
export interface FilterColumns {
  scalar: Record<string, Scalar>;
  /** Multi-valued attributes: SQL true when one value satisfies `where` (given each sub-attribute's SQL). */
  multi: Record<string, (where: (sub: (name: string) => Scalar) => string) => string>;
}

/** A jsonb array of objects: one element must satisfy the condition (sub-attributes compared case-insensitively). */
export const jsonbArray = (arraySql: string) => (where: (sub: (name: string) => Scalar) => string) =>
  `EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${arraySql}) = 'array' THEN ${arraySql} ELSE '[]'::jsonb END) AS e(v) WHERE ${where((name) => ({ sql: name === 'primary' ? `(e.v->>'primary')::boolean` : `e.v->>'${name.replace(/'/g, '')}'`, type: name === 'primary' ? 'bool' : 'ci' }))})`;


/** Attribute names are case-insensitive; the core schema's URN may prefix them, the enterprise one maps to `enterprise:`. */
function normalise(path: string): string {
  const p = path.toLowerCase();
  const core = [scimSchemas.user, scimSchemas.group].map((s) => s.toLowerCase() + ':').find((s) => p.startsWith(s));
  if (core) return p.slice(core.length);
  const ent = scimSchemas.enterpriseUser.toLowerCase() + ':';
  if (p.startsWith(ent)) return 'enterprise:' + p.slice(ent.length);
  return p;
}

class Compiler {
  readonly params: unknown[] = [];
  constructor(private readonly columns: FilterColumns) {}

  private param(v: unknown): string {
    this.params.push(v);
    return `$${this.params.length}`;
  }

  compare(col: Scalar, op: string, value: unknown, attr: string): string {
    if (op === 'pr') return `(${col.sql} IS NOT NULL AND ${col.sql}::text <> '')`;
    if (col.type === 'bool') {
      if (typeof value !== 'boolean' || (op !== 'eq' && op !== 'ne')) throw scimErrors.invalidFilter(`${attr} is a boolean: compare it with eq or ne and true or false.`);
      return `(${col.sql} IS ${op === 'ne' ? 'DISTINCT' : 'NOT DISTINCT'} FROM ${this.param(value)}::boolean)`;
    }
    if (value === null || typeof value === 'object') throw scimErrors.invalidFilter(`${attr} cannot be compared with ${JSON.stringify(value)}.`);
    if (col.type === 'time') {
      const ops: Record<string, string> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' };
      if (!ops[op] || Number.isNaN(Date.parse(String(value)))) throw scimErrors.invalidFilter(`${attr} is a date-time: compare it with eq, ne, gt, ge, lt or le and an ISO 8601 date-time.`);
      return `(${col.sql} ${ops[op]} ${this.param(String(value))}::timestamptz)`;
    }
    const ci = col.type === 'ci';
    const c = ci ? `lower(${col.sql})` : col.sql;
    const v = ci ? `lower(${this.param(String(value))})` : this.param(String(value));
    switch (op) {
      case 'eq': return `(${c} = ${v})`;
      case 'ne': return `(${c} IS DISTINCT FROM ${v})`;
      case 'co': return `(strpos(${c}, ${v}) > 0)`;
      case 'sw': return `starts_with(${c}, ${v})`;
      case 'ew': return `(right(${c}, length(${v})) = ${v})`;
      case 'gt': return `(${c} > ${v})`;
      case 'ge': return `(${c} >= ${v})`;
      case 'lt': return `(${c} < ${v})`;
      case 'le': return `(${c} <= ${v})`;
      default: throw scimErrors.invalidFilter(`Unknown operator ${op}.`);
    }
  }

  /** `emails[type eq "work"]`'s inner filter, against one element's sub-attributes. */
  element(f: Filter, sub: (name: string) => Scalar, attr: string): string {
    switch (f.op) {
      case 'and':
      case 'or':
        return `(${f.filters.map((x) => this.element(x, sub, attr)).join(` ${f.op.toUpperCase()} `)})`;
      case 'not':
        return `(NOT ${this.element(f.filter, sub, attr)})`;
      case '[]':
        throw scimErrors.invalidFilter(`Filters do not nest inside ${attr}[...].`);
      default: {
        const name = normalise(f.attrPath);
        return this.compare(sub(name), f.op, 'compValue' in f ? f.compValue : undefined, `${attr}.${name}`);
      }
    }
  }

  node(f: Filter): string {
    switch (f.op) {
      case 'and':
        return this.and(f.filters);
      case 'or':
        return `(${f.filters.map((x) => this.node(x)).join(' OR ')})`;
      case 'not':
        return `(NOT ${this.node(f.filter)})`;
      case '[]': {
        const attr = normalise(f.attrPath);
        const multi = this.columns.multi[attr];
        if (!multi) throw scimErrors.invalidFilter(`${f.attrPath} is not a multi-valued attribute that can be filtered.`);
        return multi((sub) => this.element(f.valFilter, sub, attr));
      }
      default:
        return this.attribute(normalise(f.attrPath), f.op, 'compValue' in f ? f.compValue : undefined, f.attrPath);
    }
  }

  /**
   * `emails[type eq "work"].value eq "x"` reaches us as `emails[type eq "work"] and emails.value eq "x"`:
   * both must hold for the same email, so they are matched against one element together.
   */
  private and(filters: Filter[]): string {
    const parts: string[] = [];
    const rest = [...filters];
    for (const vp of filters.filter((x): x is Extract<Filter, { op: '[]' }> => x.op === '[]')) {
      const attr = normalise(vp.attrPath);
      const multi = this.columns.multi[attr];
      const subs = rest.filter((x) => 'attrPath' in x && x.op !== '[]' && normalise(x.attrPath).startsWith(attr + '.'));
      if (!multi || subs.length === 0) continue;
      for (const x of [vp, ...subs]) rest.splice(rest.indexOf(x), 1);
      parts.push(multi((sub) => [this.element(vp.valFilter, sub, attr), ...subs.map((x) => {
        const c = x as Extract<Filter, { attrPath: string }>;
        return this.compare(sub(normalise(c.attrPath).slice(attr.length + 1)), c.op, 'compValue' in c ? c.compValue : undefined, c.attrPath);
      })].join(' AND ')));
    }
    parts.push(...rest.map((x) => this.node(x)));
    return `(${parts.join(' AND ')})`;
  }

  private attribute(attr: string, op: string, value: unknown, raw: string): string {
    const col = this.columns.scalar[attr];
    if (col) return this.compare(col, op, value, raw);
    // `emails.value eq "x"`, or `emails eq "x"` (its value).
    const dot = attr.indexOf('.');
    const [base, subName] = dot > 0 && this.columns.multi[attr.slice(0, dot)] ? [attr.slice(0, dot), attr.slice(dot + 1)] : [attr, 'value'];
    const multi = this.columns.multi[base];
    if (!multi) throw scimErrors.invalidFilter(`Filtering on ${raw} is not supported.`);
    return multi((sub) => this.compare(sub(subName), op, value, raw));
  }
}

/** The SQL condition of a filter, its parameters numbered from `firstParam`. */
export function filterToSql(filter: string, columns: FilterColumns, firstParam: number): { sql: string; params: unknown[] } {
  let tree: Filter;
  try {
    tree = parse(filter);
  } catch (err) {
    throw scimErrors.invalidFilter(`The filter cannot be parsed: ${(err as Error).message}`);
  }
  const c = new Compiler(columns);
  const placeholder = c.node(tree);
  // The compiler numbers from $1; shift to follow the caller's own parameters.
  const sql = placeholder.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + firstParam - 1}`);
  return { sql, params: c.params };
}
