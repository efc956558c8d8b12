// The rows of an invitation batch, checked all at once before anything is sent: each row's
// address or number, role, license, language and send time, with the same rules as a single
// invitation (email addresses, phone numbers in E.164 in the account's country, schedules in the
// inviter's time zone), and no person twice in one batch. Every problem is reported with its line.
import { parseEmailList } from './email-addresses';
import { inviteeTypeFor, type InviteeType } from './invitee-type';
import { licenses, needsPaidSeat, type License, type PaidLicense, type Plan } from './licenses';
import { locales, type Locale } from './locales';
import { toE164 } from './phone-numbers';
import { resolveSchedule } from './schedule';
import type { FieldError } from './field-errors';

/** A row as uploaded: every value a string, as a CSV cell or a JSON field gives it. */
export interface BatchRowInput {
  /** The CSV line (the header is line 1), or the 1-based position in a JSON list. */
  line: number;
  email?: string;
  phone?: string;
  role?: string;
  license?: string;
  locale?: string;
  /** `YYYY-MM-DDTHH:mm` in the batch's time zone, or followed by an IANA zone: `2030-04-01T09:00 Europe/Paris`. */
  sendAt?: string;
}

export interface BatchRow {
  line: number;
  channel: 'email' | 'text';
  email?: string;
  /** E.164. */
  phone?: string;
  /** Known at invite time for email rows; text invitees get theirs at signup. */
  inviteeType: InviteeType | null;
  role: 'user' | 'admin';
  /** The license chosen for the row; absent: the account's default (Video Pro+ accounts assign it after signup). */
  license?: License;
  locale: Locale;
  sendAt?: Date;
}

export type BatchRowError = FieldError & { line: number };

export interface BatchRowContext {
  country: string;
  companyDomains: string[];
  /** The account's language, for rows that name none. */
  locale: Locale;
  /** The inviter's time zone, for send times that name none (the account's). */
  timeZone: string;
  /** Admin rows need an admin inviter. */
  callerIsAdmin: boolean;
  now: Date;
}

const roleNames = ['user', 'admin'] as const;
const blank = (v: string | undefined) => v === undefined || v.trim() === '';

function checkSendAt(value: string, ctx: BatchRowContext, cache: Map<string, Date | string>): Date | string {
  const cached = cache.get(value);
  if (cached !== undefined) return cached;
  const [localDateTime = '', timeZone = ctx.timeZone, ...rest] = value.trim().split(/\s+/);
  let result: Date | string;
  if (rest.length > 0 || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(localDateTime)) {
    result = `"${value}" is not a send time: use YYYY-MM-DDTHH:mm, optionally followed by a time zone (2030-04-01T09:00 Europe/Paris)`;
  } else {
    const r = resolveSchedule({ localDateTime, timeZone }, ctx.now);
    result = r.ok ? r.sendAt : r.message;
  }
  cache.set(value, result);
  return result;
}

function checkRow(input: BatchRowInput, ctx: BatchRowContext, schedules: Map<string, Date | string>): { row?: BatchRow; errors: BatchRowError[] } {
  const errors: BatchRowError[] = [];
  const fail = (field: string, message: string) => errors.push({ line: input.line, field, message });
  let email: string | undefined;
  let phone: string | undefined;
  if (blank(input.email) === blank(input.phone)) fail('email', 'Give either an email address or a phone number');
  else if (!blank(input.email)) {
    const { addresses, invalid } = parseEmailList(input.email!.trim());
    if (addresses.length === 1 && invalid.length === 0) email = addresses[0];
    else fail('email', `"${input.email}" is not a valid email address`);
  } else {
    phone = toE164(input.phone!, ctx.country);
    if (!phone) fail('phone', `"${input.phone}" is not a valid phone number`);
  }
  const role = blank(input.role) ? 'user' : input.role!.trim().toLowerCase();
  if (!(roleNames as readonly string[]).includes(role)) fail('role', `"${input.role}" is not a role: use user or admin`);
  else if (role === 'admin' && !ctx.callerIsAdmin) fail('role', 'Only admins can invite someone as an admin');
  const license = blank(input.license) ? undefined : input.license!.trim().toLowerCase().replace(/[\s+-]+/g, '_').replace(/^video_pro_$/, 'video_pro_plus');
  if (license !== undefined && !(licenses as readonly string[]).includes(license)) fail('license', `"${input.license}" is not a license: use ${licenses.join(', ')}`);
  const locale = blank(input.locale) ? ctx.locale : input.locale!.trim().toLowerCase();
  if (!(locales as readonly string[]).includes(locale)) fail('locale', `"${input.locale}" is not a language we write in: use ${locales.join(' or ')}`);
  let sendAt: Date | undefined;
  if (!blank(input.sendAt)) {
    const r = checkSendAt(input.sendAt!, ctx, schedules);
    if (typeof r === 'string') fail('send at', r);
    else sendAt = r;
  }
  if (errors.length > 0) return { errors };
  const asAdmin = role === 'admin';
  return {
    errors,
    row: {
      line: input.line,
      channel: email ? 'email' : 'text',
      ...(email ? { email } : { phone }),
      inviteeType: email ? inviteeTypeFor(email, ctx.companyDomains, asAdmin) : asAdmin ? 'admin' : null,
      role: asAdmin ? 'admin' : 'user',
      ...(license ? { license: license as License } : {}),
      locale: locale as Locale,
      ...(sendAt ? { sendAt } : {}),
    },
  };
}

/** Every row checked, and no person twice: the valid rows, or every problem with its line. */
export function checkBatchRows(inputs: BatchRowInput[], ctx: BatchRowContext): { rows: BatchRow[]; errors: BatchRowError[] } {
  const rows: BatchRow[] = [];
  const errors: BatchRowError[] = [];
  const seen = new Map<string, number>();
  const schedules = new Map<string, Date | string>();
  for (const input of inputs) {
    const checked = checkRow(input, ctx, schedules);
    errors.push(...checked.errors);
    if (!checked.row) continue;
    const who = checked.row.email ?? checked.row.phone!;
    const first = seen.get(who);
    if (first !== undefined) {
      errors.push({ line: input.line, field: checked.row.email ? 'email' : 'phone', message: `${who} is also on line ${first}` });
      continue;
    }
    seen.set(who, input.line);
    rows.push(checked.row);
  }
  return { rows, errors };
}

/**
 * The paid seat a row's invitee will wait for after signup, if any: the row's paid license, or on a
 * Video Pro+ account without one, Video Pro+. Guests keep the free account, so guest email rows
 * need none; text rows may (their type is known only at signup) and are counted.
 */
export function seatNeeded(row: Pick<BatchRow, 'license' | 'inviteeType'>, plan: Plan): PaidLicense | undefined {
  if (row.inviteeType === 'guest') return undefined;
  const license = row.license ?? (plan === 'video_pro_plus' ? 'video_pro_plus' : undefined);
  return license && needsPaidSeat(license) ? license : undefined;
}
