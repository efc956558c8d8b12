// "The scheduled email will be sent in your time zone": a wall-clock date and time in the
// inviter's IANA zone becomes one instant, with DST applied for that date (luxon's zone rules).
import { DateTime } from 'luxon';

export interface LocalSchedule {
  /** Wall-clock time in the inviter's zone, `YYYY-MM-DDTHH:mm` (seconds optional). */
  localDateTime: string;
  /** IANA time zone, e.g. `Europe/Paris`. */
  timeZone: string;
}

export type ScheduleResult = { ok: true; sendAt: Date } | { ok: false; field: string; message: string };

export function resolveSchedule(s: LocalSchedule, now: Date): ScheduleResult {
  if (!DateTime.local().setZone(s.timeZone).isValid) return { ok: false, field: 'schedule.timeZone', message: `"${s.timeZone}" is not an IANA time zone` };
  const dt = DateTime.fromISO(s.localDateTime, { zone: s.timeZone });
  if (!dt.isValid) return { ok: false, field: 'schedule.localDateTime', message: 'Use the form YYYY-MM-DDTHH:mm' };
  // A wall-clock time skipped by a DST change (e.g. 02:30 when clocks jump to 03:00) does not exist.
  const format = s.localDateTime.length > 16 ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm";
  if (dt.toFormat(format) !== s.localDateTime) {
    return { ok: false, field: 'schedule.localDateTime', message: `${s.localDateTime} does not exist in ${s.timeZone} (the clocks change that day)` };
  }
  if (dt.toMillis() <= now.getTime()) return { ok: false, field: 'schedule.localDateTime', message: 'The scheduled time is in the past' };
  return { ok: true, sendAt: dt.toJSDate() };
}
