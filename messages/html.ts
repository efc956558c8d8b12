import escapeHtml from 'escape-html';
import type { Locale } from '../domain/locales';

/** A rendered email: its language goes out as the Content-Language header and the HTML part's `lang`. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  language: Locale;
}

/** Marks a string as already-safe HTML so `html` does not escape it again. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Tagged template that escapes every interpolated value unless it is SafeHtml (or a list of them). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  const render = (v: unknown): string =>
    v instanceof SafeHtml ? v.value : Array.isArray(v) ? v.map(render).join('') : v == null || v === false ? '' : escapeHtml(String(v));
  return new SafeHtml(strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i]) : ''), ''));
}
