// End-to-end: a lifecycle manager writes an e-mail template in a real Chromium against the real,
// built API process (PostgreSQL, Redis): starts from a layout, edits the MJML and sees the
// server's preview change, makes a Liquid error and sees it at its line, adds a French variant,
// inserts a variable, checks an SMS's segments, sends tests through the real pipeline to an SMTP
// fake (one delivered, one stopped by the profile's preferences) and publishes.
import { jest } from '@jest/globals';
import type { Locator } from 'playwright-core';
import { startSmtpFake, type SmtpFake } from '@itinera/fakes';
import { type AdminE2E, describeViolations, startAdminE2E } from '@itinera/testing/admin-e2e';

const SMTP = '@itinera/channel-email-smtp/smtp';

// A shared two-core machine: a browser step can take seconds.
jest.setTimeout(120_000);

describe('templates in a browser', () => {
  let e2e: AdminE2E;
  let smtp: SmtpFake;

  const page = () => e2e.page;
  const mjmlEditor = () => page().getByRole('textbox', { name: 'Body (MJML)' });
  const previewFrame = () => page().frameLocator('[data-testid="email-preview-frame"]');

  async function until<T>(what: string, probe: () => Promise<T | undefined | false | null>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  async function replaceText(editor: Locator, text: string) {
    await editor.click();
    await page().keyboard.press('Control+A');
    await page().keyboard.press('Delete');
    await page().keyboard.insertText(text);
  }

  // Types the user id and picks it from the search's suggestions. On a loaded machine the search
  // answers after the list has opened and closed again: reopen it until the suggestion is there.
  async function pickProfile(combobox: Locator, userId: string) {
    await combobox.fill(userId);
    const option = page().getByRole('option', { name: new RegExp(`^${userId}`) });
    await until(
      `the suggestion ${userId}`,
      async () => {
        if (await option.isVisible()) return true;
        if ((await page().getByRole('listbox').count()) === 0) await combobox.press('ArrowDown');
        return false;
      },
      90_000,
    );
    await option.click();
    expect(await combobox.inputValue()).toBe(userId);
  }

  async function expectAccessible(name: string) {
    const violations = await e2e.axe();
    if (violations.length > 0) throw new Error(`${name}: axe found serious or critical violations:\n${describeViolations(violations)}`);
  }

  async function savedDraft() {
    await until('the draft to be saved', async () => (await page().getByTestId('template-save-state').textContent()) === 'Draft saved');
  }

  beforeAll(async () => {
    smtp = await startSmtpFake();
    // The preview answers 400 for a content with a Liquid error: the browser logs that failed request.
    e2e = await startAdminE2E({ area: 'templates', expectedStatuses: [400, 422], env: { ITINERA_PLUGINS: SMTP } });
    await e2e.management('/api/channels', {
      method: 'POST',
      body: {
        pluginId: SMTP,
        name: 'SMTP fake',
        config: { host: '127.0.0.1', port: smtp.port, startTls: 'disabled', from: 'hello@example.test' },
      },
    });
    await e2e.management('/api/profiles/ada', {
      method: 'PUT',
      body: {
        traits: { first_name: 'Ada', plan: 'trial' },
        locale: 'fr',
        contactPoints: [{ channel: 'email', value: 'ada@example.test' }],
      },
    });
    await e2e.management('/api/profiles/bob', {
      method: 'PUT',
      body: { traits: { first_name: 'Bob' }, contactPoints: [{ channel: 'email', value: 'bob@example.test' }] },
    });
    await e2e.management('/api/profiles/bob/preferences', { method: 'PUT', body: { unsubscribedChannels: ['email'] } });
    await e2e.management('/api/journeys', {
      method: 'POST',
      body: {
        name: 'Trial onboarding',
        nodes: [
          { id: 'start', type: 'trigger', config: { event: 'signed_up' } },
          { id: 'health', type: 'fetch', config: { source: 'http', request: { method: 'GET', url: 'https://crm.example/x' } } },
          { id: 'welcome', type: 'send', name: 'Welcome e-mail', config: { template: 'welcome', channels: ['email'] } },
        ],
        edges: [
          { from: 'start', to: 'health' },
          { from: 'health', to: 'welcome' },
        ],
      },
    });
  }, 120_000);

  afterEach(async () => {
    // The page as each test left it, to see why one failed.
    await e2e?.page.screenshot({
      path: `test-artifacts/templates/after/${expect.getState().currentTestName?.replace(/\W+/g, '-').slice(0, 60)}.png`,
    });
  });

  afterAll(async () => {
    await e2e?.stop();
    await smtp?.close();
  });

  it('shows the empty list, then creates a template from a starter layout', async () => {
    await page().goto('/templates');
    await page().getByRole('heading', { name: 'No templates yet' }).waitFor();
    await e2e.shot('01-list-empty');
    await expectAccessible('empty templates list');

    await page().getByRole('button', { name: 'New template' }).first().click();
    const dialog = page().getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Welcome');
    expect(await dialog.getByRole('textbox', { name: 'Key' }).inputValue()).toBe('welcome');
    await dialog.getByText('Call to action').click();
    await e2e.shot('02-create-dialog');
    await dialog.getByRole('button', { name: 'Create template' }).click();
    await page().waitForURL('**/templates/welcome');
    await mjmlEditor().waitFor();
  });

  it('renders the preview on the server for a chosen profile, and follows edits of the MJML', async () => {
    await page().getByRole('tab', { name: 'Sample data' }).click();
    await pickProfile(page().getByRole('combobox', { name: 'Profile' }), 'ada');
    await page().getByRole('button', { name: 'Latest signed_up' }).click();
    await page().getByRole('tab', { name: 'Preview' }).click();

    await page().getByRole('textbox', { name: 'Subject' }).fill('Welcome aboard, {{ profile.traits.first_name }}!');
    await until('the subject to render for Ada', async () =>
      (await page().getByTestId('preview-subject').textContent())?.includes('Welcome aboard, Ada!'),
    );
    await previewFrame().getByText('Your trial ends in 3 days').waitFor();

    await replaceText(
      mjmlEditor(),
      '<mjml>\n  <mj-body>\n    <mj-section><mj-column><mj-text>Hello {{ profile.traits.first_name }}, you are on {{ profile.traits.plan }}.</mj-text></mj-column></mj-section>\n  </mj-body>\n</mjml>',
    );
    await previewFrame().getByText('Hello Ada, you are on trial.').waitFor({ timeout: 15_000 });
    await savedDraft();
    const stored = await e2e.management<{ content: { email: { mjml: string; subject: string } } }>('/api/templates/welcome');
    expect(stored.content.email.mjml).toContain('you are on {{ profile.traits.plan }}');
    await e2e.shot('03-editor-desktop-preview');
    await expectAccessible('template editor');

    await page().getByRole('radio', { name: 'Mobile (375 px)' }).click();
    expect(await page().getByTestId('email-preview-frame').getAttribute('data-width')).toBe('375');
    await e2e.shot('04-editor-mobile-preview');
    await page().getByRole('radio', { name: 'Desktop (600 px)' }).click();
  });

  it('renders for a made-up profile written as JSON, starting from the chosen one, with nothing stored', async () => {
    const profilesBefore = (await e2e.management<{ data: unknown[] }>('/api/profiles?limit=100')).data.length;
    await page().getByRole('tab', { name: 'Sample data' }).click();
    await page().getByRole('radio', { name: 'Made-up profile' }).click();
    const json = page().getByRole('textbox', { name: 'Made-up profile JSON' });
    expect(JSON.parse((await json.textContent()) ?? '')).toMatchObject({ traits: { first_name: 'Ada', plan: 'trial' } });
    await replaceText(json, '{"email": "grace@example.test", "traits": {"first_name": "Grace", "plan": "pro"}}');
    await e2e.shot('04b-made-up-profile');
    await page().getByRole('tab', { name: 'Preview' }).click();
    await page().getByText('Rendered for the made-up profile').waitFor();
    await until('the subject to render for Grace', async () =>
      (await page().getByTestId('preview-subject').textContent())?.includes('Welcome aboard, Grace!'),
    );
    await previewFrame().getByText('Hello Grace, you are on pro.').waitFor({ timeout: 15_000 });
    expect((await e2e.management<{ data: unknown[] }>('/api/profiles?limit=100')).data.length).toBe(profilesBefore);

    // Back to the workspace's profile: Ada again.
    await page().getByRole('tab', { name: 'Sample data' }).click();
    await page().getByRole('radio', { name: 'A profile of the workspace' }).click();
    await page().getByRole('tab', { name: 'Preview' }).click();
    await until('the subject to render for Ada again', async () =>
      (await page().getByTestId('preview-subject').textContent())?.includes('Welcome aboard, Ada!'),
    );
  });

  it('shows a Liquid error at its line and column, in the editor and the preview, until it is fixed', async () => {
    await replaceText(
      mjmlEditor(),
      '<mjml>\n  <mj-body>\n    <mj-section><mj-column><mj-text>Hi {{ profile.traits.first_name | shout }}</mj-text></mj-column></mj-section>\n  </mj-body>\n</mjml>',
    );
    const problems = page().getByTestId('mjml-problems');
    await problems.waitFor({ timeout: 15_000 });
    expect(await problems.textContent()).toMatch(/^Line 3, column \d+: .*shout/);
    // CodeMirror marks the range on line 3 of the document.
    const marked = page().locator('.cm-content .cm-line').nth(2).locator('.cm-lintRange-error');
    await marked.first().waitFor();
    expect(await page().getByTestId('preview-problems').textContent()).toContain('email.mjml');
    await until('the save state to flag the error', async () =>
      (await page().getByTestId('template-save-state').textContent())?.includes('fix the errors'),
    );
    expect(
      await page()
        .getByRole('tab', { name: /E-mail/ })
        .getByRole('img', { name: 'has errors' })
        .count(),
    ).toBe(1);
    await e2e.shot('05-editor-liquid-error');

    await replaceText(
      mjmlEditor(),
      '<mjml>\n  <mj-body>\n    <mj-section><mj-column><mj-text>Hi {{ profile.traits.first_name | upcase }}</mj-text></mj-column></mj-section>\n  </mj-body>\n</mjml>',
    );
    await previewFrame().getByText('Hi ADA').waitFor({ timeout: 15_000 });
    await problems.waitFor({ state: 'detached' });
    await savedDraft();
  });

  it('inserts a variable from the panel at the cursor of the last field used', async () => {
    const preheader = page().getByRole('textbox', { name: 'Preheader (optional)' });
    await preheader.fill('Your plan: ');
    await preheader.press('End');
    await page().getByRole('tab', { name: 'Variables' }).click();
    await page().getByText('Inserts into: Preheader (optional)').waitFor();
    // The journey that sends this template fetches `health` first: its output is offered as data.health.*.
    await page().getByRole('button', { name: 'data.health.body' }).waitFor();
    await e2e.shot('06-variables-panel');
    await page().getByRole('button', { name: 'profile.traits.plan' }).click();
    expect(await preheader.inputValue()).toBe('Your plan: {{ profile.traits.plan }}');
    await page().getByRole('tab', { name: 'Preview' }).click();
    await until('the preheader to render', async () =>
      (await page().getByTestId('preview-subject').textContent())?.includes('Your plan: trial'),
    );
    await savedDraft();
  });

  it('adds a French variant that falls back field by field, and previews it', async () => {
    await page().getByRole('button', { name: 'Add locale' }).click();
    await page().getByRole('dialog').getByRole('textbox', { name: 'Locale' }).fill('fr');
    await page().getByRole('dialog').getByRole('button', { name: 'Add locale' }).click();
    const summary = page().getByTestId('locale-fallback-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toMatch(/^0 of 3 fields translated/);
    expect(await page().getByText('Falls back to the default').count()).toBe(3);

    await page().getByRole('button', { name: 'Translate Subject' }).click();
    await page().getByRole('textbox', { name: 'Subject' }).fill('Bienvenue, {{ profile.traits.first_name }} !');
    await until('the French subject to render', async () =>
      (await page().getByTestId('preview-subject').textContent())?.includes('Bienvenue, Ada !'),
    );
    expect(await summary.textContent()).toMatch(/^1 of 3 fields translated/);
    await savedDraft();
    const stored = await e2e.management<{ content: { locales: Record<string, { email: { subject: string } }> } }>('/api/templates/welcome');
    expect(stored.content.locales.fr.email).toEqual({ subject: 'Bienvenue, {{ profile.traits.first_name }} !' });
    await e2e.shot('07-french-variant');
    await expectAccessible('template editor, French variant');

    await page().getByRole('button', { name: 'Variant' }).click();
    await page().getByRole('option', { name: 'Default content' }).click();
    await until('the default subject again', async () =>
      (await page().getByTestId('preview-subject').textContent())?.includes('Welcome aboard'),
    );
  });

  it('counts SMS characters and segments, GSM-7 or UCS-2', async () => {
    await page().getByRole('button', { name: 'Add channel' }).click();
    await page().getByRole('menuitem', { name: 'SMS' }).click();
    const body = page().getByRole('textbox', { name: 'Message' });
    await body.fill('Hi {{ profile.traits.first_name }}, your trial ends soon');
    const counts = page().getByTestId('sms-count');
    await until('a GSM-7 count', async () => (await counts.textContent())?.includes('GSM-7'));
    expect(await counts.textContent()).toContain('Characters28');
    await body.fill('Hi {{ profile.traits.first_name }}, your “trial” ends soon');
    await until('a UCS-2 count', async () => (await counts.textContent())?.includes('UCS-2'));
    expect(await page().getByText('is not in the GSM alphabet', { exact: false }).count()).toBe(0);
    await page().getByText('are not in the GSM alphabet', { exact: false }).waitFor();
    await savedDraft();
    await e2e.shot('08-sms-segments');
    await page().getByRole('tab', { name: 'E-mail' }).click();
  });

  it('sends a test through the real pipeline and shows the outcome, delivered or stopped by a rule', async () => {
    await page().getByRole('button', { name: 'Test send' }).click();
    const dialog = page().getByRole('dialog');
    const to = dialog.getByRole('combobox', { name: 'Send to profile' });
    await to.fill('ada');
    await dialog.locator('label', { hasText: 'E-mail' }).click();
    await dialog.getByRole('button', { name: 'Send test' }).click();
    const outcome = dialog.getByTestId('test-send-outcome');
    await outcome.waitFor();
    expect(await outcome.textContent()).toMatch(/Outcome:\s*sent/);
    const [mail] = await smtp.waitForMessages(1);
    // Ada's locale is fr: the French subject; the draft (not yet published) is what a test sends.
    expect(mail.subject).toBe('Bienvenue, Ada !');
    expect(mail.html).toContain('Hi ADA');
    await e2e.shot('09-test-send-sent');

    await to.fill('bob');
    await dialog.getByRole('button', { name: 'Send test' }).click();
    await until('the outcome for Bob', async () => (await outcome.textContent())?.includes('suppressed'));
    expect(await outcome.textContent()).toMatch(/email\s*suppressed/);
    await e2e.shot('10-test-send-suppressed');
    await dialog.getByRole('link', { name: 'Open the message' }).waitFor();
    await expectAccessible('test send dialog');
    await dialog.getByRole('button', { name: 'Close' }).first().click();
  });

  it('publishes the draft as version 1 and lists it, with the journeys that use the template', async () => {
    await page().getByRole('button', { name: 'Publish' }).click();
    await page().getByRole('dialog').getByRole('textbox', { name: 'What changed (optional)' }).fill('First version');
    await page().getByRole('dialog').getByRole('button', { name: 'Publish' }).click();
    await page().getByText('Published v1').first().waitFor();
    await page().locator('.template-editor__title').getByText('Published v1').waitFor();
    await page().getByRole('button', { name: 'Versions' }).click();
    await page().getByRole('dialog').getByText('First version').waitFor();
    await e2e.shot('11-versions');
    await page().keyboard.press('Escape');

    await page().getByRole('link', { name: 'Templates' }).first().click();
    const row = page().getByRole('row', { name: /Welcome/ });
    await until('the list to show the published version', async () => (await row.textContent())?.includes('Published v1'));
    expect(await row.getByRole('link', { name: 'Trial onboarding' }).count()).toBe(1);
    expect(await row.textContent()).toContain('SMS');
    await e2e.shot('12-list');
    await expectAccessible('templates list');
  });

  it('raised no console errors in the page', () => {
    expect(e2e.consoleErrors).toEqual([]);
  });
});
