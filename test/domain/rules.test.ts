// The product's rules as pure functions: the same code runs in the API and in workflow validators.
import { parseEmailList } from '../../domain/email-addresses';
import { inviteeTypeFor } from '../../domain/invitee-type';
import { meetsPasswordPolicy } from '../../domain/password-policy';
import { toE164 } from '../../domain/phone-numbers';
import { resolveSchedule } from '../../domain/schedule';
import { ageOn } from '../../domain/signup-rules';
import { renderInvitationEmail } from '../../messages/invitation-email';

test('age is counted in whole years, birthdays included', () => {
  const today = new Date('2026-11-23T12:00:00Z');
  expect(ageOn('2010-11-23', today)).toBe(16);
  expect(ageOn('2010-11-24', today)).toBe(15);
  expect(ageOn('2008-02-29', new Date('2026-02-28T00:00:00Z'))).toBe(17);
  expect(ageOn('2010-02-30', today)).toBeUndefined();
  expect(ageOn('23/11/2010', today)).toBeUndefined();
});

test('a scheduled wall-clock time follows the zone\'s DST rules for that date', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  // Paris: UTC+1 in winter, UTC+2 from the last Sunday of March (2030-03-31).
  expect(resolveSchedule({ localDateTime: '2030-03-30T09:00', timeZone: 'Europe/Paris' }, now)).toEqual({ ok: true, sendAt: new Date('2030-03-30T08:00:00Z') });
  expect(resolveSchedule({ localDateTime: '2030-04-01T09:00', timeZone: 'Europe/Paris' }, now)).toEqual({ ok: true, sendAt: new Date('2030-04-01T07:00:00Z') });
  // New York falls back on 2030-11-03: 09:00 is UTC-4 the day before, UTC-5 the day after.
  expect(resolveSchedule({ localDateTime: '2030-11-02T09:00', timeZone: 'America/New_York' }, now)).toEqual({ ok: true, sendAt: new Date('2030-11-02T13:00:00Z') });
  expect(resolveSchedule({ localDateTime: '2030-11-04T09:00', timeZone: 'America/New_York' }, now)).toEqual({ ok: true, sendAt: new Date('2030-11-04T14:00:00Z') });
  expect(resolveSchedule({ localDateTime: '2030-03-31T02:30', timeZone: 'Europe/Paris' }, now)).toMatchObject({ ok: false });
  expect(resolveSchedule({ localDateTime: '2030-03-30T09:00', timeZone: 'Mars/Olympus' }, now)).toMatchObject({ ok: false, field: 'schedule.timeZone' });
});

test('email lists, invitee types, phone numbers and the password policy', () => {
  expect(parseEmailList('A@x.test; b@x.test,, a@X.test , bad')).toEqual({ addresses: ['a@x.test', 'b@x.test'], invalid: ['bad'], given: 4 });
  // A list's items are one address each, as the OpenAPI document says: not split, not trimmed.
  expect(parseEmailList(['A@x.test', 'a@x.test; b@x.test', ' c@x.test'])).toEqual({ addresses: ['a@x.test'], invalid: ['a@x.test; b@x.test', ' c@x.test'], given: 3 });
  expect(inviteeTypeFor('ana@Acme.test', ['acme.test'], false)).toBe('coworker');
  expect(inviteeTypeFor('ana@gmail.com', ['gmail.com'], false)).toBe('guest');
  expect(inviteeTypeFor('ana@gmail.com', [], true)).toBe('admin');
  expect(toE164('06 12 34 56 78', 'FR')).toBe('+33612345678');
  expect(toE164('(415) 555-2671', 'US')).toBe('+14155552671');
  expect(toE164('12', 'US')).toBeUndefined();
  expect(meetsPasswordPolicy('abcdefg1')).toBe(true);
  expect(meetsPasswordPolicy('abcdefgh')).toBe(false);
  expect(meetsPasswordPolicy('1234567')).toBe(false);
});

test('the invitation email speaks the account\'s language and escapes names', () => {
  const fr = renderInvitationEmail({ locale: 'fr', inviterName: 'Zoé <script>', companyName: 'Société & Cie', signupUrl: 'https://x.test/signup/t', expiresAt: new Date('2030-01-15T10:00:00Z') });
  expect(fr.subject).toBe('Zoé <script> vous invite à rejoindre Société & Cie');
  expect(fr.html).toContain('Zoé &lt;script&gt; vous invite à rejoindre Société &amp; Cie');
  expect(fr.html).toContain('Créer un compte gratuit');
  expect(fr.text).toContain('15 janvier 2030');
});
