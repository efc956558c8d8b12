// Opaque cursors: a page's keyset, for one list and one set of filters. A cursor that was altered,
// belongs to another list, or was made under other filters is refused (400), never half-applied.
import { createHash } from 'node:crypto';
import type { Keyset, Page } from '../../../db/read-model';
import { problems } from '../../problems';

export type ListKind = 'invitations' | 'users' | 'provisioning-requests' | 'invitation-requests';

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const idShape: Record<ListKind, (id: string) => boolean> = {
  invitations: (id) => id.length > 0 && id.length <= 400,
  users: (id) => UUID.test(id),
  'provisioning-requests': (id) => UUID.test(id),
  'invitation-requests': (id) => UUID.test(id),
};

/** The filters a cursor was made under: key order and absent keys do not matter. */
function fingerprint(filter: object): string {
  const entries = Object.entries(filter).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256').update(JSON.stringify(entries)).digest('base64url').slice(0, 16);
}

export function encodeCursor(kind: ListKind, filter: object, keyset: Keyset): string {
  return Buffer.from(JSON.stringify({ v: 1, k: kind, f: fingerprint(filter), t: keyset.createdAt, i: keyset.id })).toString('base64url');
}

const invalid = (message: string) => problems.validation('The cursor is not valid for this list.', [{ field: 'querystring.cursor', message }]);

export function decodeCursor(kind: ListKind, filter: object, cursor: string): Keyset {
  let c: { v?: unknown; k?: unknown; f?: unknown; t?: unknown; i?: unknown };
  try {
    c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not a cursor this API made: pass `nextCursor` from the previous page as it is');
  }
  if (typeof c !== 'object' || c === null || c.v !== 1 || typeof c.t !== 'string' || !TIME.test(c.t) || typeof c.i !== 'string') {
    throw invalid('not a cursor this API made: pass `nextCursor` from the previous page as it is');
  }
  if (c.k !== kind || !idShape[kind](c.i)) throw invalid(`this cursor belongs to another list, not to ${kind}`);
  if (c.f !== fingerprint(filter)) throw invalid('this cursor was made with other filters: use the same filters, or start again without a cursor');
  return { createdAt: c.t, id: c.i };
}

/** The page a request asked for: how many, and from which cursor. */
export interface PageQuery {
  limit: number;
  cursor?: string;
}

/** One page of a list: the cursor checked against the list and its filters, the next one made the same way. */
export async function paged<Row, Item>(kind: ListKind, filter: object, page: PageQuery, read: (after: Keyset | undefined) => Promise<Page<Row>>, view: (row: Row) => Item): Promise<{ items: Item[]; nextCursor: string | null }> {
  const after = page.cursor ? decodeCursor(kind, filter, page.cursor) : undefined;
  const { rows, next } = await read(after);
  return { items: rows.map(view), nextCursor: next ? encodeCursor(kind, filter, next) : null };
}
