import { LiquidEngines } from './liquid-engine.js';
import { checkMjml } from './mjml-email.js';
import type { TemplateFieldError } from './template.errors.js';
import { MAX_CONTENT_BYTES, validateTemplateContent } from './template-validator.js';

const engines = new LiquidEngines();
const MJML = `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hi {{ profile.traits.first_name | default: "there" }}</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;

const byField = (errors: TemplateFieldError[]) => Object.fromEntries(errors.map((e) => [e.field, e]));

describe('template content validation (when saved)', () => {
  it('accepts a valid content with every channel and a locale variant', async () => {
    const errors = await validateTemplateContent(engines, {
      email: { subject: 'Welcome {{ profile.traits.first_name }}', preheader: 'Start here', mjml: MJML, text: 'Hi' },
      sms: { body: 'Code {{ data.code }}' },
      push: { title: 'Hi', body: 'There', data: { screen: '{{ data.screen }}' }, imageUrl: 'https://cdn.example/i.png' },
      chat: { text: '*Hi* {{ profile.userId }}', markdown: true },
      inapp: { title: 'Hi', body: 'B', actionUrl: '/go', data: { nested: ['{{ event.event }}', 1] } },
      webhook: { url: 'https://hooks.example.test/in', body: { user: '{{ profile.userId }}', tags: ['a', '{{ data.tag }}'], n: 3 } },
      locales: { fr: { email: { subject: 'Bienvenue' } }, 'fr-CA': { sms: { body: 'Code {{ data.code }}' } } },
    });
    expect(errors).toEqual([]);
  });

  it('reports a Liquid syntax error with the field path, line and column', async () => {
    const errors = byField(await validateTemplateContent(engines, { sms: { body: 'Hello\n  {{ profile.traits.name | nope }}' } }));
    expect(errors['content.sms.body']).toMatchObject({ line: 2, column: 3 });
    expect(errors['content.sms.body'].messages[0]).toMatch(/^line 2, column 3: undefined filter: nope/);
  });

  it('reports an unclosed tag at the line of its opening', async () => {
    const errors = byField(
      await validateTemplateContent(engines, { email: { subject: 'x', mjml: MJML.replace('Hi {{', '{% if a %}\nHi {{') } }),
    );
    expect(errors['content.email.mjml']).toMatchObject({ line: 5, column: 18 });
    expect(errors['content.email.mjml'].messages[0]).toMatch(/not closed/);
  });

  it.each(['include', 'render', 'layout'])('rejects {%% %s %%} when parsed: templates have no file system', async (tag) => {
    const errors = byField(await validateTemplateContent(engines, { sms: { body: `Hi\n{% ${tag} "secrets" %}` } }));
    expect(errors['content.sms.body']).toMatchObject({ line: 2, column: 1 });
    expect(errors['content.sms.body'].messages[0]).toMatch(
      new RegExp(`\\{% ${tag} %\\} is not available: templates cannot include other files`),
    );
  });

  it('rejects a file tag inside {% liquid %} too', async () => {
    const errors = byField(await validateTemplateContent(engines, { sms: { body: '{% liquid\n  include "x" %}' } }));
    expect(errors['content.sms.body']).toMatchObject({ line: 2, column: 3 });
  });

  it('reports invalid MJML with line and column, ignoring attribute values that are Liquid', async () => {
    const mjml = `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-image src="{{ data.img }}" width="{{ data.width }}px" />
          <mj-button href="x" foo="bar">Go</mj-button>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
    const errors = byField(await validateTemplateContent(engines, { email: { subject: 's', mjml } }));
    expect(Object.keys(errors)).toEqual(['content.email.mjml']);
    expect(errors['content.email.mjml']).toMatchObject({ line: 6, column: 11 });
    expect(errors['content.email.mjml'].messages).toEqual(['line 6, column 11: mj-button: Attribute foo is illegal']);
  });

  it('reports unbalanced MJML tags, mj-include and a document that is not MJML', async () => {
    expect(await checkMjml('<mjml>\n<mj-body>\n  <mj-section><mj-column><mj-text>\n</mj-column></mj-section></mj-body></mjml>')).toEqual([
      { message: '</mj-column> closes <mj-text> opened at line 3, column 26', line: 4, column: 1 },
    ]);
    expect(await checkMjml('<mjml><mj-body>\n   <mj-include path="/etc/passwd" /></mj-body></mjml>')).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/<mj-include> is not available/), line: 2, column: 4 }),
    ]);
    expect((await checkMjml('<p>hello</p>'))[0].message).toMatch(/not an MJML document/);
    expect((await checkMjml('<mjml><mj-body>'))[0]).toEqual({ message: '<mj-body> is never closed', line: 1, column: 7 });
    expect(
      await checkMjml('{% assign n = 1 %}\n<mjml><mj-body>{% for i in (1..n) %}<mj-section></mj-section>{% endfor %}</mj-body></mjml>'),
    ).toEqual([]);
  });

  it('requires the fields of each channel block, rejects unknown fields and wrong types', async () => {
    const errors = byField(
      await validateTemplateContent(engines, {
        email: { mjml: MJML, subject: '  ' },
        sms: {},
        push: { title: 't', body: 'b', data: { n: 1 } },
        chat: { text: 'x', markdown: 'yes' },
        inapp: { title: 't', body: 'b', data: 'x' },
        webhook: { url: 'https://hooks.example.test/in', body: null },
        fax: { body: 'x' },
        locales: { fr: { sms: { body: 'x', extra: 1 }, teams: {} }, 'not a locale': {} },
      }),
    );
    expect(Object.fromEntries(Object.entries(errors).map(([field, e]) => [field, e.messages]))).toEqual({
      'content.email.subject': ['must not be empty'],
      'content.sms.body': ['is required'],
      'content.push.data.n': ['must be a string'],
      'content.chat.markdown': ['must be a boolean'],
      'content.inapp.data': ['must be an object'],
      'content.webhook.body': ['is required'],
      'content.fax': ['is not a known field: use email, sms, push, chat, inapp, webhook or locales'],
      'content.locales.fr.sms.extra': ['is not a known field'],
      'content.locales.fr.teams': ['is not a known field: use email, sms, push, chat, inapp or webhook'],
      'content.locales.not a locale': ['is not a locale such as fr or fr-CA'],
    });
  });

  it('only lets a locale translate channels the default content has, and checks its Liquid', async () => {
    const errors = byField(
      await validateTemplateContent(engines, {
        sms: { body: 'x' },
        locales: { de: { email: { subject: 'x' } }, fr: { sms: { body: '{{ x' } } },
      }),
    );
    expect(errors['content.locales.de.email'].messages[0]).toMatch(/default content has no email block/);
    expect(errors['content.locales.fr.sms.body']).toMatchObject({ line: 1, column: 1 });
  });

  it('checks Liquid inside JSON bodies with the JSON path', async () => {
    const errors = byField(
      await validateTemplateContent(engines, {
        webhook: { url: 'https://hooks.example.test/in', body: { items: [{ name: 'ok' }, { name: '{% for %}' }] } },
      }),
    );
    expect(Object.keys(errors)).toEqual(['content.webhook.body.items.1.name']);
  });

  it('caps the size, refuses NUL characters and content that is not an object', async () => {
    expect((await validateTemplateContent(engines, { sms: { body: 'x'.repeat(MAX_CONTENT_BYTES) } }))[0]).toMatchObject({
      field: 'content',
    });
    expect((await validateTemplateContent(engines, { sms: { body: 'a\u0000b' } }))[0]).toMatchObject({
      field: 'content.sms.body',
      messages: ['must not contain NUL characters'],
    });
    expect(
      (await validateTemplateContent(engines, { webhook: { url: 'https://hooks.example.test/in', body: { s: 'a\ud800' } } }))[0],
    ).toMatchObject({ field: 'content.webhook.body.s', messages: ['must be valid Unicode text'] });
    expect(await validateTemplateContent(engines, { sms: { body: 'emoji 🎉' } })).toEqual([]);
    expect((await validateTemplateContent(engines, [1, 2]))[0]).toMatchObject({ field: 'content', messages: ['must be a JSON object'] });
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i += 1) deep = [deep];
    expect(
      (await validateTemplateContent(engines, { webhook: { url: 'https://hooks.example.test/in', body: deep } }))[0].messages[0],
    ).toMatch(/nested more than/);
  });

  it('accepts an empty draft (channels are required only to publish)', async () => {
    expect(await validateTemplateContent(engines, {})).toEqual([]);
  });
});
