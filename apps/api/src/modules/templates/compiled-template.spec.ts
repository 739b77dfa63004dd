import { UnprocessableError } from '../../infra/http/errors.js';
import { CompiledTemplate } from './compiled-template.js';
import { DEFAULT_LIQUID_LIMITS, LiquidEngines } from './liquid-engine.js';
import { textFromHtml } from './mjml-email.js';
import type { TemplateContent } from './template-content.js';
import { TemplateRenderError } from './template.errors.js';

const engines = new LiquidEngines();
const mjml = (body: string) => `<mjml><mj-body><mj-section><mj-column><mj-text>${body}</mj-text></mj-column></mj-section></mj-body></mjml>`;
const profile = {
  userId: 'u1',
  email: 'ada@example.test',
  phone: null,
  timezone: 'Europe/Paris',
  locale: 'fr-CA',
  traits: { first_name: 'Ada', plan: 'pro' },
  account: null,
};
const compile = (content: TemplateContent, version: number | 'draft' = 1) => CompiledTemplate.compile(engines, 'welcome', version, content);
const vars = (extra: Record<string, unknown> = {}) => ({ profile, event: {}, data: {}, run: {}, ...extra });

describe('template rendering', () => {
  it('renders every channel with profile, event, data, run and extra variables', async () => {
    const template = compile({
      sms: { body: '{{ profile.traits.first_name }}: {{ event.event }} {{ data.code }} {{ run.id }} {{ unsubscribeUrl }}' },
      push: { title: 'Hi {{ profile.traits.first_name }}', body: 'b', data: { plan: '{{ profile.traits.plan }}' }, imageUrl: '' },
      chat: { text: '*{{ profile.userId }}*' },
      inapp: { title: 't', body: 'b', actionUrl: '/plans/{{ profile.traits.plan }}', data: { list: ['{{ data.code }}', 2] } },
      webhook: {
        url: 'https://hooks.example.test/in',
        body: { user: '{{ profile.userId }}', n: 1, nested: { ok: true, s: '{{ data.code | upcase }}' } },
      },
    });
    const variables = vars({
      event: { event: 'signed_up' },
      data: { code: 'abc' },
      run: { id: 'r1' },
      unsubscribeUrl: 'https://u.example/x',
    });
    expect((await template.render('sms', variables, null)).sms).toEqual({ body: 'Ada: signed_up abc r1 https://u.example/x' });
    expect((await template.render('push', variables, null)).push).toEqual({
      title: 'Hi Ada',
      body: 'b',
      data: { plan: 'pro' },
      imageUrl: null,
    });
    expect((await template.render('chat', variables, null)).chat).toEqual({ text: '*u1*', markdown: true });
    expect((await template.render('inapp', variables, null)).inapp).toEqual({
      title: 't',
      body: 'b',
      actionUrl: '/plans/pro',
      data: { list: ['abc', 2] },
    });
    expect((await template.render('webhook', variables, null)).webhook).toEqual({
      url: 'https://hooks.example.test/in',
      body: { user: 'u1', n: 1, nested: { ok: true, s: 'ABC' } },
    });
    expect(template.channels()).toEqual(['sms', 'push', 'chat', 'inapp', 'webhook']);
  });

  it('reads only own properties: {{ profile.constructor }} renders empty', async () => {
    const template = compile({
      sms: {
        body: '[{{ profile.constructor }}][{{ profile.__proto__ }}][{{ profile.traits.first_name.constructor }}][{{ profile["toString"] }}]',
      },
    });
    expect((await template.render('sms', vars(), null)).sms!.body).toBe('[][][][]');
  });

  it('stops a render that runs too long (render limit) with a TemplateRenderError naming the field', async () => {
    const limited = new LiquidEngines({ parseLimit: 10_000, renderLimit: 100, memoryLimit: 10_000_000 });
    const template = CompiledTemplate.compile(limited, 'loop', 1, {
      sms: { body: '{% for i in (1..1000) %}{% for j in (1..1000) %}{% for k in (1..1000) %}{{ k }}{% endfor %}{% endfor %}{% endfor %}' },
    });
    const started = Date.now();
    const error = await template.render('sms', vars(), null).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(TemplateRenderError);
    expect(error).toBeInstanceOf(UnprocessableError);
    expect((error as TemplateRenderError).field).toBe('content.sms.body');
    expect((error as TemplateRenderError).message).toMatch(/template render limit exceeded/);
  });

  it('stops a render that allocates too much (memory limit)', async () => {
    // A render time limit no loaded machine reaches first: this test is about the memory limit alone.
    const roomy = new LiquidEngines({ ...DEFAULT_LIQUID_LIMITS, renderLimit: 60_000 });
    const template = CompiledTemplate.compile(roomy, 'welcome', 1, {
      sms: { body: '{% assign s = "xxxxxxxxxx" %}{% for i in (1..30) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}' },
    });
    await expect(template.render('sms', vars(), null)).rejects.toThrow(/memory alloc limit exceeded/);
  });

  it('raises TemplateRenderError with the field path and position when a filter fails at send time', async () => {
    const template = compile({
      sms: { body: 'ok' },
      locales: { fr: { sms: { body: 'Rendez-vous\n à {{ data.at | date: "%H:%M", data.zone }}' } } },
    });
    const error = await template
      .render('sms', vars({ data: { at: '2026-03-01T09:00:00Z', zone: 'Mars/Olympus' } }), 'fr')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateRenderError);
    expect(error).toBeInstanceOf(UnprocessableError);
    expect((error as TemplateRenderError).field).toBe('content.locales.fr.sms.body');
    expect((error as TemplateRenderError).details?.[0]).toMatchObject({ field: 'content.locales.fr.sms.body', line: 2, column: 4 });
    expect((error as TemplateRenderError).message).toBe(
      'Template "welcome" could not be rendered: content.locales.fr.sms.body: line 2, column 4: Invalid time zone specified: Mars/Olympus',
    );
  });

  it('refuses a channel the version has no content for', async () => {
    await expect(compile({ sms: { body: 'x' } }).render('email', vars(), null)).rejects.toThrow(/has no email content/);
  });

  describe('locale fallback, field by field', () => {
    const content: TemplateContent = {
      email: { subject: 'Welcome', preheader: 'Start', mjml: mjml('Hello {{ profile.traits.first_name }}') },
      sms: { body: 'Hello' },
      locales: {
        fr: { email: { subject: 'Bienvenue', mjml: mjml('Bonjour {{ profile.traits.first_name }}') }, sms: { body: 'Bonjour' } },
        'fr-CA': { email: { subject: 'Bienvenue au Québec' } },
      },
    };

    it('takes the exact locale, then its language, then the default', async () => {
      const template = compile(content);
      const ca = await template.render('email', vars(), 'fr-CA');
      expect(ca.locale).toBe('fr-CA');
      expect(ca.email).toMatchObject({ subject: 'Bienvenue au Québec', preheader: 'Start' });
      expect(ca.email!.html).toContain('Bonjour Ada');

      const fr = await template.render('email', vars(), 'fr-FR');
      expect(fr.locale).toBe('fr');
      expect(fr.email!.subject).toBe('Bienvenue');

      const smsCa = await template.render('sms', vars(), 'fr_ca');
      expect(smsCa).toMatchObject({ locale: 'fr', sms: { body: 'Bonjour' } });

      const de = await template.render('email', vars(), 'de');
      expect(de.locale).toBeNull();
      expect(de.email!.subject).toBe('Welcome');
      expect(de.email!.html).toContain('Hello Ada');

      expect((await template.render('email', vars(), null)).locale).toBeNull();
    });
  });

  describe('e-mail', () => {
    it('escapes outputs in the MJML body (| raw opts out), not in the subject', async () => {
      const template = compile({ email: { subject: '{{ data.s }}', mjml: mjml('<p>{{ data.s }}</p><p>{{ data.html | raw }}</p>') } });
      const { email } = await template.render('email', vars({ data: { s: 'Tom & <Jerry>', html: '<b>bold</b>' } }), null);
      expect(email!.subject).toBe('Tom & <Jerry>');
      expect(email!.html).toContain('Tom &amp; &lt;Jerry&gt;');
      expect(email!.html).toContain('<b>bold</b>');
    });

    it('compiles MJML to responsive HTML with the preheader, and derives the text part when absent', async () => {
      const template = compile({
        email: {
          subject: 'Hi',
          preheader: 'Your {{ profile.traits.plan }} trial',
          mjml: `<mjml><mj-head><mj-preview>old</mj-preview></mj-head><mj-body><mj-section><mj-column>
            <mj-text>Hello {{ profile.traits.first_name }},</mj-text>
            <mj-image src="https://cdn.example/logo.png" />
            <mj-button href="https://app.example/start">Get started</mj-button>
            <mj-text><a href="{{ unsubscribeUrl }}">Unsubscribe</a></mj-text>
          </mj-column></mj-section></mj-body></mjml>`,
        },
      });
      const { email } = await template.render('email', vars({ unsubscribeUrl: 'https://u.example/x' }), null);
      expect(email!.html).toMatch(/^<!doctype html>/i);
      expect(email!.html).toContain('@media only screen');
      expect(email!.html).toContain('Your pro trial');
      expect(email!.html).not.toContain('>old<');
      expect(email!.preheader).toBe('Your pro trial');
      expect(email!.text).toBe('Hello Ada,\n\nGet started [https://app.example/start]\n\nUnsubscribe [https://u.example/x]');
    });

    it('uses the text part as written when there is one', async () => {
      const template = compile({ email: { subject: 'Hi', mjml: mjml('Hello'), text: 'Plain {{ profile.traits.first_name }}' } });
      expect((await template.render('email', vars(), null)).email!.text).toBe('Plain Ada');
    });

    it('fails with the MJML field when a rendered value makes the MJML invalid', async () => {
      const template = compile({
        email: {
          subject: 'Hi',
          mjml: '<mjml><mj-body><mj-section><mj-column><mj-image src="x" width="{{ data.w }}" /></mj-column></mj-section></mj-body></mjml>',
        },
      });
      const error = await template.render('email', vars({ data: { w: 'wide' } }), null).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TemplateRenderError);
      expect((error as TemplateRenderError).field).toBe('content.email.mjml');
      expect((error as TemplateRenderError).message).toMatch(/rendered MJML is not valid: mj-image: Attribute width/);
    });
  });

  it('derives readable text from HTML', () => {
    expect(
      textFromHtml(
        '<html><head><style>p{}</style></head><body><div style="display:none;">pre</div><h1>Title</h1><p>One <a href="https://x.example">link</a></p><img src="a.png" alt="logo"></body></html>',
      ),
    ).toBe('TITLE\n\nOne link [https://x.example]');
  });
});
