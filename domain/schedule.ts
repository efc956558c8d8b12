// "The scheduled email will be sent in your time zone": a wall-clock date and time in the
// inviter's IANA zone becomes one instant, with DST applied for that date (luxon's zone rules).
import { DateTime } from 'luxon';

export interface LocalSchedule {
  /** Wall-clock time in the inviter's zone, `YYYY-MM-DDTHH:mm` (seconds optional). */
  localDateTime: string;
  /** IANA time zone, e.g. `Europe/Paris`. */
  timeZone: string;
}

const DAY_OF = {
  long: '(?:0[1-9]|[12][0-9]|3[01])',
  short: '(?:0[1-9]|[12][0-9]|30)',
  february: '(?:0[1-9]|1[0-9]|2[0-8])',
};
/** A year divisible by 4, but not by 100 unless by 400 (the proleptic Gregorian calendar luxon uses). */
const LEAP_YEAR = '(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)';
/**
 * `YYYY-MM-DDTHH:mm`, seconds optional, of a day that exists (no 31 April, 29 February in leap
 * years only): what `resolveSchedule` can read, as a request schema can say it ([0-9], not \d,
 * which other regular-expression engines read as any Unicode digit).
 */
export const LOCAL_DATE_TIME_PATTERN =
  '^(?:[0-9]{4}-(?:(?:0[13578]|1[02])-' + DAY_OF.long + '|(?:0[469]|11)-' + DAY_OF.short + '|02-' + DAY_OF.february + ')|' + LEAP_YEAR + '-02-29)' +
  'T(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?$';

export type ScheduleResult =
  | { ok: true; sendAt: Date }
  /** `past`: the time has gone by. Not wrong in itself (the same request was fine a minute earlier), so callers answer it apart. */
  | { ok: false; field: string; message: string; past?: true };

export function resolveSchedule(s: LocalSchedule, now: Date): ScheduleResult {
  if (!DateTime.local().setZone(s.timeZone).isValid) return { ok: false, field: 'schedule.timeZone', message: `"${s.timeZone}" is not an IANA time zone` };
  const dt = DateTime.fromISO(s.localDateTime, { zone: s.timeZone });
  if (!dt.isValid) return { ok: false, field: 'schedule.localDateTime', message: 'Use the form YYYY-MM-DDTHH:mm' };
  // Nothing gone by can be scheduled, whether or not the clocks changed that day.
  if (dt.toMillis() <= now.getTime()) return { ok: false, field: 'schedule.localDateTime', message: 'The scheduled time is in the past', past: true };
  // A wall-clock time skipped by a DST change (e.g. 02:30 when clocks jump to 03:00) does not exist.
  const format = s.localDateTime.length > 16 ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm";
  if (dt.toFormat(format) !== s.localDateTime) {
    return { ok: false, field: 'schedule.localDateTime', message: `${s.localDateTime} does not exist in ${s.timeZone} (the clocks change that day)` };
  }
  return { ok: true, sendAt: dt.toJSDate() };
}
