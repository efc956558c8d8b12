// The batch's report as the CSV an admin downloads: one line per row, with where it ended.
import type { BatchRowView } from './batches-data';

const header = ['line', 'channel', 'invitee', 'role', 'license', 'locale', 'send_at', 'invitation_id', 'outcome', 'detail', 'delivery', 'sent_at'];

/**
 * RFC 4180 quoting; a cell a spreadsheet would read as a formula (=, +, -, @, tab, CR) gets a
 * leading apostrophe, so a crafted address cannot run in the admin's spreadsheet.
 */
export function csvCell(value: string | number | null | undefined): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function reportCsv(rows: BatchRowView[]): string {
  const lines = [header.join(',')];
  for (const r of rows) {
    lines.push([r.line, r.channel, r.invitee, r.role, r.license, r.locale, r.sendAt, r.invitationId, r.outcome, r.detail, r.delivery, r.sentAt].map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
