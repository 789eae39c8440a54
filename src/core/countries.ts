/**
 * Countries, read the way people type them, from ISO 3166-1 data kept by the `i18n-iso-countries`
 * package: alpha-2 and alpha-3 codes and the names in English, Dutch, German and French (official
 * and common forms: "Netherlands", "The Netherlands", "Nederland", "Niederlande", "Pays-Bas").
 * Only those four locales are loaded; the package's registry is not used, so nothing global is
 * set up at import time. A few common names the ISO data lacks ("Holland", "England") are
 * listed in COMMON_COUNTRY_ALIASES; a model adds its own through `normalization.countryAliases`.
 */
import countries from 'i18n-iso-countries/index.js';
import de from 'i18n-iso-countries/langs/de.json' with { type: 'json' };
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import fr from 'i18n-iso-countries/langs/fr.json' with { type: 'json' };
import nl from 'i18n-iso-countries/langs/nl.json' with { type: 'json' };
import { closest, normalizeOption } from './text.js';

/** Names people use that the ISO names do not include, to ISO 3166-1 alpha-2. */
export const COMMON_COUNTRY_ALIASES: Readonly<Record<string, string>> = {
  Holland: 'NL',
  England: 'GB',
  Scotland: 'GB',
  Wales: 'GB',
  'Northern Ireland': 'GB',
  Britain: 'GB',
  'Groot-Brittannië': 'GB',
  Engeland: 'GB',
  Schotland: 'GB',
  America: 'US',
  Amerika: 'US',
  'Czech Rep': 'CZ',
  BRD: 'DE',
  'Bundesrepublik Deutschland': 'DE',
  Vlaanderen: 'BE',
  Flanders: 'BE',
  Wallonie: 'BE',
  Wallonia: 'BE',
};

type Names = Readonly<Record<string, string | readonly string[]>>;
const LOCALES: readonly (readonly [string, Names])[] = [
  ['en', en.countries as Names],
  ['nl', nl.countries as Names],
  ['de', de.countries as Names],
  ['fr', fr.countries as Names],
];

/** The form names are compared in: letters and digits only, no case, no accents, no leading "the". */
export function countryKey(text: string): string {
  return normalizeOption(text.replace(/^\s*the\s+/i, '').replace(/,\s*the\s*$/i, ''));
}

export interface CountryMatch {
  /** ISO 3166-1 alpha-2. */
  code: string;
  /** The English name, e.g. "Netherlands". */
  name: string;
  /** How the text was recognised. */
  via: 'code' | 'name' | 'alias';
}

interface CountryIndex {
  byKey: Map<string, { code: string; via: CountryMatch['via'] }>;
  names: Map<string, string>;
}

let index: CountryIndex | null = null;

/** Built on first use (pure data; the same for every model). */
function countryIndex(): CountryIndex {
  if (index) return index;
  const byKey = new Map<string, { code: string; via: CountryMatch['via'] }>();
  const names = new Map<string, string>();
  const add = (text: string, code: string, via: CountryMatch['via']) => {
    const key = countryKey(text);
    if (key !== '' && !byKey.has(key)) byKey.set(key, { code, via });
  };
  const alpha2 = Object.keys(countries.getAlpha2Codes());
  for (const code of alpha2) {
    add(code, code, 'code');
    const a3 = countries.alpha2ToAlpha3(code);
    if (a3) add(a3, code, 'code');
  }
  for (const [locale, table] of LOCALES)
    for (const [code, value] of Object.entries(table)) {
      const list = typeof value === 'string' ? [value] : value;
      if (locale === 'en' && list[0]) names.set(code, list[0]);
      for (const name of list) add(name, code, 'name');
    }
  for (const [alias, code] of Object.entries(COMMON_COUNTRY_ALIASES)) add(alias, code, 'alias');
  index = { byKey, names };
  return index;
}

/** Is this an ISO 3166-1 alpha-2 code the data knows? */
export function isCountryCode(code: string): boolean {
  return countryIndex().names.has(code);
}

/** The English name of an alpha-2 code, or null. */
export function countryName(code: string): string | null {
  return countryIndex().names.get(code) ?? null;
}

/**
 * Reads a country from text: a code (NL, NLD), a name in English, Dutch, German or French, or an
 * alias (the common ones plus `extraAliases`, keyed by {@link countryKey}). Null when unknown.
 */
export function findCountry(
  text: string,
  extraAliases: ReadonlyMap<string, string> = new Map(),
): CountryMatch | null {
  const key = countryKey(text);
  const extra = extraAliases.get(key);
  const { byKey, names } = countryIndex();
  const hit = extra === undefined ? byKey.get(key) : { code: extra, via: 'alias' as const };
  if (!hit) return null;
  return { code: hit.code, name: names.get(hit.code) ?? hit.code, via: hit.via };
}

/** The closest country name (English, Dutch, German or French) to `text`, for "did you mean". */
export function suggestCountry(text: string): string | null {
  const key = countryKey(text);
  if (key.length < 4) return null;
  const byKey = new Map<string, string>();
  for (const [, table] of LOCALES)
    for (const value of Object.values(table))
      for (const name of typeof value === 'string' ? [value] : value)
        if (!byKey.has(countryKey(name))) byKey.set(countryKey(name), name);
  const near = closest(key, byKey.keys());
  return near === null ? null : byKey.get(near)!;
}
