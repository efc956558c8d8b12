// User types (licenses) of the "add users" pages: what each needs and what it may be given.
import type { License } from '../workflows/definitions';

export const userTypes = ['ringex', 'video_pro_plus', 'video_pro', 'mobile'] as const satisfies readonly License[];

export const userTypeNames: Record<License, string> = {
  ringex: 'RingEX',
  video_pro_plus: 'Video Pro+',
  video_pro: 'Video Pro',
  mobile: 'Mobile',
};

/** Mobile and Video Pro users are free; RingEX and Video Pro+ take a paid seat from the inventory. */
export function needsPaidSeat(license: License): license is 'ringex' | 'video_pro_plus' {
  return license === 'ringex' || license === 'video_pro_plus';
}

/**
 * Only RingEX users place and receive direct calls, so only they get a deskphone, a number and an
 * emergency response location ("For Mobile or Video Pro users, skip to step 10").
 */
export function hasPhoneService(license: License): boolean {
  return license === 'ringex';
}
