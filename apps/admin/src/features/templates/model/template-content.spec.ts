import type { TemplateContentDto } from '@itinera/sdk';
import { ApiError } from '@itinera/sdk';
import {
  addLocale,
  channelsOf,
  fieldPath,
  localeFallbacks,
  localeProblem,
  removeChannel,
  removeLocale,
  resolveField,
  setField,
} from './template-content';
import { jsonProblem, offsetAt, problemsAt, problemsOf } from './template-problems';

const content: TemplateContentDto = {
  email: { subject: 'Welcome', preheader: 'Start here', mjml: '<mjml></mjml>' },
  sms: { body: 'Hi' },
  locales: { fr: { email: { subject: 'Bienvenue' } }, 'fr-CA': { email: { preheader: 'Commencez ici' } } },
};

describe('template content model', () => {
  it('lists channels in the API order', () => {
    expect(channelsOf({ sms: { body: 'x' }, email: content.email })).toEqual(['email', 'sms']);
  });

  it('resolves a field by exact locale, then language, then the default, like a send', () => {
    expect(resolveField(content, 'email', 'preheader', 'fr-CA')).toEqual({
      value: 'Commencez ici',
      source: { from: 'locale', locale: 'fr-CA' },
    });
    expect(resolveField(content, 'email', 'subject', 'fr-CA')).toEqual({ value: 'Bienvenue', source: { from: 'locale', locale: 'fr' } });
    expect(resolveField(content, 'email', 'mjml', 'fr-CA')).toEqual({ value: '<mjml></mjml>', source: { from: 'default' } });
    expect(resolveField(content, 'email', 'subject', 'FR_ca').source).toEqual({ from: 'locale', locale: 'fr' });
    expect(resolveField(content, 'email', 'text', 'fr').source).toEqual({ from: 'missing' });
  });

  it('says which fields of a variant fall back to the default', () => {
    const summary = localeFallbacks(content, 'fr').map((f) => [f.channel, f.field.name, f.source.from]);
    expect(summary).toEqual([
      ['email', 'subject', 'locale'],
      ['email', 'preheader', 'default'],
      ['email', 'mjml', 'default'],
      ['sms', 'body', 'default'],
    ]);
  });

  it('sets and clears fields of the default content and of a variant, dropping empty variant blocks', () => {
    const translated = setField(content, 'sms', 'body', 'fr', 'Salut');
    expect(translated.locales?.fr).toEqual({ email: { subject: 'Bienvenue' }, sms: { body: 'Salut' } });
    expect(content.locales?.fr).toEqual({ email: { subject: 'Bienvenue' } });
    const cleared = setField(translated, 'email', 'subject', 'fr', undefined);
    expect(cleared.locales?.fr).toEqual({ sms: { body: 'Salut' } });
    expect(setField(content, 'email', 'preheader', null, undefined).email).toEqual({ subject: 'Welcome', mjml: '<mjml></mjml>' });
  });

  it('adds and removes locales and channels', () => {
    expect(localeProblem(content, 'de')).toBeNull();
    expect(localeProblem(content, 'FR')).toMatch(/already/);
    expect(localeProblem(content, 'french!')).toMatch(/language code/);
    const withDe = addLocale(content, 'de');
    expect(Object.keys(withDe.locales ?? {})).toEqual(['fr', 'fr-CA', 'de']);
    expect(addLocale(withDe, 'DE')).toBe(withDe);
    expect(removeLocale(removeLocale(removeLocale(withDe, 'de'), 'fr'), 'fr-CA').locales).toBeUndefined();
    const noEmail = removeChannel(content, 'email');
    expect(channelsOf(noEmail)).toEqual(['sms']);
    expect(noEmail.locales).toEqual({ fr: {}, 'fr-CA': {} });
  });

  it('names fields as the API does in its errors', () => {
    expect(fieldPath('email', 'mjml', null)).toBe('content.email.mjml');
    expect(fieldPath('sms', 'body', 'fr')).toBe('content.locales.fr.sms.body');
  });
});

describe('template problems', () => {
  it('reads field problems with line and column from a 400 or 422 answer', () => {
    const error = new ApiError(400, 'Invalid template', {
      errors: [{ field: 'content.email.mjml', messages: ['unknown filter "upcase2"'], line: 3, column: 12 }],
    });
    const problems = problemsOf(error);
    expect(problems.general).toBeNull();
    expect(problemsAt(problems, 'content.email.mjml')).toEqual([
      { field: 'content.email.mjml', messages: ['unknown filter "upcase2"'], line: 3, column: 12 },
    ]);
    expect(problemsOf(new ApiError(404, 'Template "x" not found', {})).general).toBe('Template "x" not found');
  });

  it('turns a line and column into an offset, clamped to the line', () => {
    const text = 'ab\ncdef\ng';
    expect(offsetAt(text, 1, 1)).toBe(0);
    expect(offsetAt(text, 2, 3)).toBe(5);
    expect(offsetAt(text, 2, 99)).toBe(7);
    expect(offsetAt(text, 9, 1)).toBe(text.length);
  });

  it('locates a JSON syntax error', () => {
    expect(jsonProblem('{"a": 1}')).toBeNull();
    const problem = jsonProblem('{\n  "a": 1,\n  "b" 2\n}');
    expect(problem).toMatchObject({ line: 3 });
    expect(problem?.message).not.toMatch(/position/);
  });
});
