// Licenses ("user types" on the product's "add users" pages) and the plans an account is on: what
// each license needs and what it may be given. The one place these words are defined.

export type License = 'ringex' | 'video_pro_plus' | 'video_pro' | 'mobile';
/** Licenses that take a paid seat from the account's inventory. */
export type PaidLicense = 'ringex' | 'video_pro_plus';
/** The plan an account is on; a Video Pro+ account assigns Video Pro+ after signup. */
export type Plan = 'video_pro' | 'video_pro_plus' | 'ringex';

export const licenses = ['ringex', 'video_pro_plus', 'video_pro', 'mobile'] as const satisfies readonly License[];
export const paidLicenses = ['ringex', 'video_pro_plus'] as const satisfies readonly PaidLicense[];

export const licenseNames: Record<License, string> = {
  ringex: 'RingEX',
  video_pro_plus: 'Video Pro+',
  video_pro: 'Video Pro',
  mobile: 'Mobile',
};

/** Mobile and Video Pro users are free; RingEX and Video Pro+ take a paid seat from the inventory. */
export function needsPaidSeat(license: License): license is PaidLicense {
  return license === 'ringex' || license === 'video_pro_plus';
}

/**
 * Only RingEX users place and receive direct calls, so only they get a deskphone, a number and an
 * emergency response location ("For Mobile or Video Pro users, skip to step 10").
 */
export function hasPhoneService(license: License): boolean {
  return license === 'ringex';
}
