// Recording a batch of invitations (or a bulk action) and all its rows in one transaction: shared
// by the API (uploads and admins' bulk actions) and the stalled-activations sweep, which records
// its reminders and resends as a batch for the same batch workflow to carry out.
import { inTransaction, type Db } from './index';
import type { BatchRow } from '../domain/batch-rows';
import type { BatchKind } from '../domain/invitation-batches';

export interface BatchRecord {
  id: string;
  account_id: string;
  /** Who uploaded it; null for a batch a job recorded (source 'sweep'). */
  created_by: string | null;
  kind: BatchKind;
  source: 'csv' | 'json' | 'sweep';
  row_count: number;
  workflow_id: string;
  status: 'running' | 'completed' | 'cancelled';
  created_at: Date;
  ended_at: Date | null;
}

/** A row to record: an invitation to start, or an existing invitation to act on. */
export type RowToRecord = Partial<BatchRow> & { line: number; invitationId: string };

export const BATCH_COLUMNS = 'id, account_id, created_by, kind, source, row_count, workflow_id, status, created_at, ended_at';

/**
 * Records the batch and all its rows in one transaction (one multi-row INSERT of the rows). A batch
 * with this id already recorded (the same upload again, with the same Idempotency-Key) is returned
 * as it is, nothing added.
 */
export async function recordBatch(db: Db, b: Omit<BatchRecord, 'status' | 'created_at' | 'ended_at'>, rows: RowToRecord[]): Promise<{ batch: BatchRecord; created: boolean }> {
  return inTransaction(db, async (tx) => {
    const { rows: inserted } = await tx.query<BatchRecord>(
      `INSERT INTO invitation_batches (id, account_id, created_by, kind, source, row_count, workflow_id) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO NOTHING RETURNING ${BATCH_COLUMNS}`,
      [b.id, b.account_id, b.created_by, b.kind, b.source, b.row_count, b.workflow_id],
    );
    if (!inserted[0]) {
      const { rows: existing } = await tx.query<BatchRecord>(`SELECT ${BATCH_COLUMNS} FROM invitation_batches WHERE id = $1`, [b.id]);
      return { batch: existing[0]!, created: false };
    }
    const col = <T>(f: (r: RowToRecord) => T) => rows.map(f);
    await tx.query(
      `INSERT INTO invitation_batch_rows (batch_id, line, invitation_id, channel, email, phone, invitee_type, role, license, locale, send_at)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[])`,
      [b.id, col((r) => r.line), col((r) => r.invitationId), col((r) => r.channel ?? null), col((r) => r.email ?? null), col((r) => r.phone ?? null),
        col((r) => r.inviteeType ?? null), col((r) => r.role ?? null), col((r) => r.license ?? null), col((r) => r.locale ?? null), col((r) => r.sendAt ?? null)],
    );
    return { batch: inserted[0], created: true };
  });
}
