// What an account can buy in a provisioning request ("Add Users"), with list prices in cents (USD).
// The deskphone catalogue is the "Purchase phone" picker; seats and numbers are priced per unit.
export interface DeskphoneModel {
  id: string;
  name: string;
  priceCents: number;
}

export const deskphoneCatalogue: readonly DeskphoneModel[] = [
  { id: 'poly-vvx-250', name: 'Poly VVX 250', priceCents: 12_900 },
  { id: 'poly-vvx-450', name: 'Poly VVX 450', priceCents: 21_900 },
  { id: 'yealink-t54w', name: 'Yealink T54W', priceCents: 18_900 },
  { id: 'cisco-6871', name: 'Cisco 6871', priceCents: 24_900 },
];

export const deskphoneModel = (id: string) => deskphoneCatalogue.find((m) => m.id === id);

/** Monthly price of one seat, charged from the next bill. */
export const seatPriceCents: Record<'ringex' | 'video_pro_plus', number> = { ringex: 3_000, video_pro_plus: 1_000 };

/** One-time price of a new phone number. */
export const newNumberPriceCents = 500;

export const CURRENCY = 'USD';
