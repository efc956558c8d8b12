// Languages messages and pages are written in.
export type Locale = 'en' | 'fr';
export const locales = ['en', 'fr'] as const satisfies readonly Locale[];
