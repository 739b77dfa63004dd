/** Locales offered for the workspace's default; any other BCP 47 tag can be typed. */
export const COMMON_LOCALES = [
  'en',
  'en-GB',
  'en-US',
  'de',
  'fr',
  'es',
  'it',
  'nl',
  'pt',
  'pt-BR',
  'sv',
  'da',
  'fi',
  'nb',
  'pl',
  'ja',
  'zh',
];

/**
 * The workspace's default locale as typed: empty clears it (messages use the templates' default
 * content), a valid BCP 47 tag is kept in its canonical form, anything else is a problem to show.
 */
export function parseDefaultLocale(text: string): { locale: string | null } | { problem: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { locale: null };
  try {
    const [canonical] = Intl.getCanonicalLocales(trimmed);
    return { locale: canonical };
  } catch {
    return { problem: 'Type a locale such as en, de or pt-BR, or leave it empty.' };
  }
}
