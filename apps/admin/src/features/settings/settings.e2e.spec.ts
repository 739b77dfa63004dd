// End-to-end: the workspace's settings in a real Chromium against the real, built API process:
// configure an SMTP provider from its plugin's configSchema and test it against a loopback SMTP
// fake, create an API key (shown once, copied) and revoke it, add a topic, set quiet hours with
// their effect in words and a frequency cap, see members and the workspace, and see it all
// read-only as a viewer.
import { jest } from '@jest/globals';
import { startSmtpFake, type SmtpFake } from '@itinera/fakes';
import { type AdminE2E, describeViolations, startAdminE2E } from '@itinera/testing/admin-e2e';

jest.setTimeout(120_000);

const SMTP = '@itinera/channel-email-smtp/smtp';

describe('settings in a browser', () => {
  let e2e: AdminE2E;
  let smtp: SmtpFake;
  const viewer = { email: `viewer-${Date.now()}@example.test`, password: 'Viewer-password-1' };
  const page = () => e2e.page;

  async function expectAccessible(name: string) {
    const violations = await e2e.axe();
    if (violations.length > 0) throw new Error(`${name}: axe found serious or critical violations:\n${describeViolations(violations)}`);
  }

  beforeAll(async () => {
    smtp = await startSmtpFake();
    // Revoked keys answer 401 to the test's own check; the browser never sees it.
    e2e = await startAdminE2E({ area: 'settings', env: { ITINERA_PLUGINS: SMTP } });
    await e2e.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await e2e.management('/api/members', { method: 'POST', body: { ...viewer, role: 'viewer' } });
  }, 120_000);

  afterEach(async () => {
    await e2e?.page.screenshot({
      path: `test-artifacts/settings/after/${expect.getState().currentTestName?.replace(/\W+/g, '-').slice(0, 60)}.png`,
    });
  });

  afterAll(async () => {
    await e2e?.stop();
    await smtp?.close();
  });

  it('configures an SMTP provider from its plugin schema and tests it against the SMTP fake', async () => {
    await page().goto('/settings');
    await page().getByText('No provider yet', { exact: false }).waitFor();
    await e2e.shot('01-channels-empty');
    await expectAccessible('channels, empty');

    await page()
      .getByRole('button', { name: /Add a provider/ })
      .click();
    await page().getByRole('option', { name: /SMTP/ }).click();
    const dialog = page().getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'SMTP host' }).fill('127.0.0.1');
    await dialog.getByRole('textbox', { name: 'Port (optional)' }).fill(String(smtp.port));
    await dialog.getByRole('button', { name: /STARTTLS/ }).click();
    await page().getByRole('option', { name: 'disabled' }).click();
    await dialog.getByRole('textbox', { name: 'Default sender' }).fill('x');
    await dialog.getByLabel('Password (optional)').fill('smtp-secret');
    await dialog.getByRole('button', { name: 'Add provider' }).click();
    await dialog.getByText('At least 3 characters.').waitFor();
    await e2e.shot('02-provider-form-error');
    await dialog.getByRole('textbox', { name: 'Default sender' }).fill('Acme <hello@acme.example>');
    await dialog.getByRole('button', { name: 'Add provider' }).click();

    const provider = page().getByTestId('provider-SMTP');
    await provider.waitFor();
    const stored = await e2e.management<Array<{ config: Record<string, unknown>; secretsSet: string[] }>>('/api/channels');
    expect(stored[0].config).toMatchObject({ host: '127.0.0.1', port: smtp.port, startTls: 'disabled', from: 'Acme <hello@acme.example>' });
    expect(stored[0].config.password).toBeUndefined();
    expect(stored[0].secretsSet).toEqual(['password']);

    await provider.getByRole('button', { name: 'Test connection' }).click();
    const result = provider.getByTestId('connection-test');
    await result.getByText(/^Connected/).waitFor({ timeout: 20_000 });
    await e2e.shot('03-provider-tested');

    await provider.getByRole('button', { name: 'Configure' }).click();
    await page().getByRole('dialog').getByText('Set', { exact: true }).waitFor();
    await page().getByRole('dialog').getByRole('button', { name: 'Replace Password' }).waitFor();
    await e2e.shot('04-provider-secret-set');
    await expectAccessible('provider dialog');
    await page().keyboard.press('Escape');
  });

  it('creates an API key, shown once with a copy button, and revokes it', async () => {
    await page().getByRole('link', { name: 'API keys' }).click();
    await page().getByRole('button', { name: 'Create a key' }).click();
    const dialog = page().getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Name' }).fill('CI pipeline');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    const shown = page().getByTestId('created-key');
    await shown.waitFor();
    const key = (await shown.textContent()) ?? '';
    expect(key.length).toBeGreaterThan(20);
    await page().getByRole('dialog').getByRole('button', { name: 'Copy' }).click();
    await page().getByText('Copied the key').waitFor();
    expect(await page().evaluate(() => navigator.clipboard.readText())).toBe(key);
    await e2e.shot('05-api-key-shown-once');
    const me = await fetch(`${e2e.api.url}/api/auth/me`, { headers: { Authorization: `Bearer ${key}` } });
    expect(me.status).toBe(200);
    await page().getByRole('dialog').getByRole('button', { name: 'Done' }).first().click();

    const row = page().getByTestId('api-key-CI pipeline');
    await row.getByRole('button', { name: 'Revoke CI pipeline' }).click();
    await page().getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await row.getByText(/^Revoked/).waitFor();
    expect((await fetch(`${e2e.api.url}/api/auth/me`, { headers: { Authorization: `Bearer ${key}` } })).status).toBe(401);
    await e2e.shot('06-api-keys');
    await expectAccessible('API keys');
  });

  it('adds a topic', async () => {
    await page().getByRole('link', { name: 'Topics' }).click();
    await page().getByRole('button', { name: 'New topic' }).click();
    const dialog = page().getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Key' }).fill('product-updates');
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Product updates');
    await dialog.getByRole('button', { name: 'Create topic' }).click();
    await page().getByRole('table', { name: 'Topics' }).getByText('Product updates').waitFor();
    await e2e.shot('07-topics');
    await expectAccessible('topics');
  });

  it('sets quiet hours with their effect in words, and a frequency cap', async () => {
    await page().getByRole('link', { name: 'Delivery rules' }).click();
    await page().getByText('Defer messages during quiet hours').click();
    await page().getByRole('textbox', { name: 'Start', exact: true }).fill('21:00');
    await page().getByRole('textbox', { name: 'End', exact: true }).fill('08:00');
    await page().getByRole('combobox', { name: 'Time zone for people without one' }).fill('Europe/Berlin');
    await page().keyboard.press('Escape');
    const sentence = page().getByTestId('quiet-hours-sentence');
    expect(await sentence.textContent()).toBe('A send at 22:00 in Europe/Berlin is deferred to 08:00 the next day.');
    await page().getByRole('textbox', { name: 'Try a send at' }).fill('12:00');
    expect(await sentence.textContent()).toBe('A send at 12:00 in Europe/Berlin goes out at once.');
    await page().getByRole('button', { name: 'Add a cap' }).click();
    await page().getByRole('textbox', { name: 'Id (optional)' }).fill('daily');
    await e2e.shot('08-delivery-rules');
    await expectAccessible('delivery rules');
    await page().getByRole('button', { name: 'Save delivery settings' }).click();
    await page().getByText('Saved the delivery settings').waitFor();
    const stored = await e2e.management<{ quietHours: Record<string, unknown>; frequencyCaps: Array<Record<string, unknown>> }>(
      '/api/settings',
    );
    expect(stored.quietHours).toMatchObject({ enabled: true, start: '21:00', end: '08:00', defaultTimezone: 'Europe/Berlin' });
    expect(stored.frequencyCaps).toEqual([{ id: 'daily', scope: 'global', limit: 3, windowSeconds: 86_400, action: 'skip' }]);
  });

  it('shows members, and the workspace with its default locale and inbox signing key', async () => {
    await page().getByRole('link', { name: 'Members' }).click();
    await page().getByRole('table', { name: 'Members' }).getByText(viewer.email, { exact: true }).waitFor();
    await e2e.shot('09-members');
    await expectAccessible('members');
    await page().getByRole('link', { name: 'Workspace' }).click();
    const locale = page().getByRole('combobox', { name: 'Default locale (optional)' });
    await locale.fill('not a locale!');
    await page().getByText('Type a locale such as en, de or pt-BR').waitFor();
    expect(await page().getByRole('button', { name: 'Save', exact: true }).isDisabled()).toBe(true);
    await locale.fill('pt-br');
    await locale.press('Escape');
    await page().getByRole('button', { name: 'Save', exact: true }).click();
    await page().getByText('Saved the workspace').waitFor();
    expect((await e2e.management<{ defaultLocale: string | null }>('/api/workspace')).defaultLocale).toBe('pt-BR');
    expect(await locale.inputValue()).toBe('pt-BR');
    await page().getByRole('button', { name: 'Show the signing key' }).click();
    await page().getByTestId('signing-key').waitFor();
    await e2e.shot('10-workspace');
    await expectAccessible('workspace');
  });

  it('is read-only for a viewer: no owner or editor action is offered', async () => {
    const context = await e2e.browser.newContext({ baseURL: e2e.api.url, viewport: { width: 1280, height: 800 } });
    await e2e.signIn(context, viewer.email, viewer.password);
    const viewerPage = await context.newPage();
    const errors: string[] = [];
    viewerPage.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    await viewerPage.goto('/settings/channels');
    await viewerPage.getByTestId('provider-SMTP').waitFor();
    await viewerPage.getByText('Read-only: you are a viewer').waitFor();
    for (const name of ['Test connection', 'Configure', 'Remove SMTP'])
      expect(await viewerPage.getByRole('button', { name }).count()).toBe(0);
    expect(await viewerPage.getByRole('button', { name: /Add a provider/ }).count()).toBe(0);
    await viewerPage.screenshot({ path: 'test-artifacts/settings/11-viewer-channels.png', fullPage: true });
    await viewerPage.goto('/settings/delivery');
    await viewerPage.getByText('Only owners of the workspace can change the delivery settings.').waitFor();
    expect(await viewerPage.getByRole('button', { name: 'Save delivery settings' }).count()).toBe(0);
    await viewerPage.goto('/settings/api-keys');
    await viewerPage.getByText('Only owners of the workspace can see and manage its API keys.').waitFor();
    await viewerPage.goto('/settings/topics');
    await viewerPage.getByRole('table', { name: 'Topics' }).waitFor();
    expect(await viewerPage.getByRole('button', { name: 'New topic' }).count()).toBe(0);
    await context.close();
    expect(errors).toEqual([]);
  });

  it('raised no console errors in the page', () => {
    expect(e2e.consoleErrors).toEqual([]);
  });
});
