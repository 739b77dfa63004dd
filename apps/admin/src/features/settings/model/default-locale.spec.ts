import { parseDefaultLocale } from './default-locale';

describe("the workspace's default locale as typed", () => {
  it('keeps a locale in its canonical form and clears on empty', () => {
    expect(parseDefaultLocale(' de ')).toEqual({ locale: 'de' });
    expect(parseDefaultLocale('pt-br')).toEqual({ locale: 'pt-BR' });
    expect(parseDefaultLocale('')).toEqual({ locale: null });
  });

  it('says what to type for anything else', () => {
    expect(parseDefaultLocale('not a locale!')).toEqual({ problem: expect.stringContaining('such as en, de or pt-BR') });
  });
});
