// End-to-end: looking a user up in a real Chromium against the real, built API process: find a
// profile by e-mail, edit a trait, change a preference, open its journey run on the canvas, see
// its events arrive live (server-sent events) on the profile and on the events page, and erase it.
import { jest } from '@jest/globals';
import { type AdminE2E, describeViolations, startAdminE2E } from '@itinera/testing/admin-e2e';

// A shared two-core machine: a browser step can take seconds.
jest.setTimeout(120_000);

describe('profiles and events in a browser', () => {
  let e2e: AdminE2E;
  let writeKey = '';
  let journeyId = '';
  const page = () => e2e.page;

  async function until<T>(what: string, probe: () => Promise<T | undefined | false | null>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  async function expectAccessible(name: string) {
    const violations = await e2e.axe();
    if (violations.length > 0) throw new Error(`${name}: axe found serious or critical violations:\n${describeViolations(violations)}`);
  }

  async function track(userId: string, event: string, properties: Record<string, unknown> = {}) {
    const response = await fetch(`${e2e.api.url}/v1/track`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` },
      body: JSON.stringify({ userId, event, properties }),
    });
    expect(response.status).toBe(200);
  }

  beforeAll(async () => {
    // Erasing a profile leaves its page's queries to answer 404 once.
    e2e = await startAdminE2E({ area: 'profiles', expectedStatuses: [404] });
    writeKey = (await e2e.management<{ key: string }>('/api/api-keys', { method: 'POST', body: { kind: 'write', name: 'e2e' } })).key;
    await e2e.management('/api/topics', { method: 'POST', body: { key: 'onboarding', name: 'Onboarding', defaultPreference: 'opted_in' } });
    await e2e.management('/api/topics', { method: 'POST', body: { key: 'billing', name: 'Billing', defaultPreference: 'required' } });
    await e2e.management('/api/profiles/ada', {
      method: 'PUT',
      // The e-mail trait is what identify calls send; it becomes the profile's e-mail and a contact point.
      body: {
        traits: { first_name: 'Ada', plan: 'trial', email: 'ada@example.test' },
        timezone: 'Europe/Berlin',
      },
    });
    for (let i = 0; i < 3; i += 1) {
      await e2e.management(`/api/profiles/user-${i}`, { method: 'PUT', body: { traits: { plan: i === 0 ? 'pro' : 'trial' } } });
    }
    const journey = await e2e.management<{ id: string }>('/api/journeys', {
      method: 'POST',
      body: {
        name: 'Trial onboarding',
        nodes: [
          { id: 'start', type: 'trigger', config: { event: 'signed_up' } },
          { id: 'wait', type: 'delay', name: 'Wait a day', config: { seconds: 86_400 } },
        ],
        edges: [{ from: 'start', to: 'wait' }],
      },
    });
    journeyId = journey.id;
    await e2e.management(`/api/journeys/${journeyId}/publish`, { method: 'POST', body: {} });
    await track('ada', 'signed_up', { plan: 'trial' });
  }, 120_000);

  afterEach(async () => {
    await e2e?.page.screenshot({
      path: `test-artifacts/profiles/after/${expect.getState().currentTestName?.replace(/\W+/g, '-').slice(0, 60)}.png`,
    });
  });

  afterAll(async () => {
    await e2e?.stop();
  });

  it('lists profiles and finds one by e-mail or by a trait', async () => {
    await page().goto('/profiles');
    await page().getByRole('link', { name: 'ada' }).waitFor();
    await e2e.shot('01-profiles-list');
    await expectAccessible('profiles list');

    await page()
      .getByRole('button', { name: /Find by/ })
      .click();
    await page().getByRole('option', { name: 'Trait equals' }).click();
    await page().getByRole('textbox', { name: 'Trait' }).fill('plan');
    await page().getByRole('searchbox', { name: 'Value' }).fill('pro');
    await until(
      'only the pro profile',
      async () => (await page().getByRole('table', { name: 'Profiles' }).locator('tbody tr').count()) === 1,
    );
    expect(await page().getByRole('link', { name: 'user-0' }).count()).toBe(1);

    await page()
      .getByRole('button', { name: /Find by/ })
      .click();
    await page().getByRole('option', { name: 'E-mail is exactly' }).click();
    await page().getByRole('searchbox', { name: 'Search profiles' }).fill('ada@example.test');
    await until('only Ada', async () => (await page().getByRole('link', { name: 'user-0' }).count()) === 0);
    await e2e.shot('02-profiles-search-email');
    await page().getByRole('link', { name: 'ada' }).click();
    await page().waitForURL('**/profiles/ada');
    await page().getByRole('heading', { name: 'ada', level: 1 }).waitFor();
  });

  it('shows the profile and edits a trait', async () => {
    await page().getByText('Europe/Berlin').waitFor();
    await page().getByRole('button', { name: 'Edit traits' }).click();
    const values = page().getByRole('textbox', { name: 'Value' });
    const names = page().getByRole('textbox', { name: 'Trait' });
    const count = await names.count();
    for (let i = 0; i < count; i += 1) if ((await names.nth(i).inputValue()) === 'plan') await values.nth(i).fill('pro');
    await page().getByRole('button', { name: 'Add a trait' }).click();
    await names.nth(count).fill('seats');
    await values.nth(count).fill('5');
    await page().getByRole('button', { name: 'Save traits' }).click();
    await page().getByText('Saved the traits').waitFor();
    const stored = await e2e.management<{ traits: Record<string, unknown> }>('/api/profiles/ada');
    expect(stored.traits).toEqual({ first_name: 'Ada', plan: 'pro', seats: 5, email: 'ada@example.test' });
  });

  it('changes a preference per topic and channel, and shows what applies', async () => {
    const select = page().getByRole('combobox', { name: 'Onboarding on email' });
    await select.selectOption('opted_out');
    await page().getByText('Saved: Onboarding on email opted out').waitFor();
    const preferences = await e2e.management<{
      topics: Array<{ key: string; channels: Record<string, string>; effective: Record<string, string> }>;
    }>('/api/profiles/ada/preferences');
    const onboarding = preferences.topics.find((t) => t.key === 'onboarding')!;
    expect(onboarding.channels).toEqual({ email: 'opted_out' });
    expect(onboarding.effective.email).toBe('opted_out');
    // Billing is required: no choice is offered.
    expect(await page().getByRole('combobox', { name: 'Billing on email' }).count()).toBe(0);
  });

  it('shows its journey run and where it is, and opens it on the canvas', async () => {
    const run = page().locator('.run-list__item').filter({ hasText: 'Trial onboarding' });
    await run.waitFor();
    await until('the run to wait at its delay', async () => {
      if ((await run.textContent())?.includes('At “Wait a day” (delay)')) return true;
      await page().reload();
      return false;
    });
    await e2e.shot('03-profile-page');
    await expectAccessible('profile page');
    await run.getByRole('link', { name: 'Open on the canvas' }).click();
    await page().waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    await page().goBack();
    await page().getByRole('heading', { name: 'ada', level: 1 }).waitFor();
  });

  it("shows the profile's new events as they arrive, each with its JSON", async () => {
    await until('the live feed', async () => (await page().getByTestId('profile-live-state').textContent()) === 'Live');
    await track('ada', 'report_exported', { format: 'csv', rows: 120 });
    const row = page().getByTestId('event-row').filter({ hasText: 'report_exported' });
    await row.waitFor({ timeout: 15_000 });
    await row.getByRole('button').first().click();
    const json = row.getByLabel('JSON of report_exported');
    expect(await json.textContent()).toContain('"format": "csv"');
    await e2e.shot('04-profile-live-event');
  });

  it('shows live events on the events page, filtered by name and user', async () => {
    await page().goto('/events');
    await page().getByTestId('event-row').first().waitFor();
    await e2e.shot('05-events-page');
    await expectAccessible('events page');
    await page().getByRole('textbox', { name: 'Event name' }).fill('invoice_paid');
    await page().getByRole('textbox', { name: 'User id' }).fill('user-1');
    await page().getByText('No event matches yet', { exact: false }).waitFor();
    await until('the live feed', async () => (await page().getByTestId('live-state').textContent()) === 'Live');
    await track('user-2', 'invoice_paid', { amount: 10 });
    await track('user-1', 'viewed_pricing');
    await track('user-1', 'invoice_paid', { amount: 42 });
    const rows = page().getByTestId('event-row');
    await rows.first().waitFor({ timeout: 15_000 });
    await new Promise((r) => setTimeout(r, 2000));
    expect(await rows.count()).toBe(1);
    await rows.first().getByRole('button').first().click();
    expect(await rows.first().textContent()).toContain('"amount": 42');
    await e2e.shot('06-events-filtered-live');
  });

  it('erases a profile after stating what erasure removes', async () => {
    await page().goto('/profiles/ada');
    await page().getByRole('button', { name: 'Erase profile' }).click();
    const dialog = page().getByRole('dialog');
    await dialog.getByText('every message to it', { exact: false }).waitFor();
    await e2e.shot('07-erase-dialog');
    await expectAccessible('erase dialog');
    const erase = dialog.getByRole('button', { name: 'Erase for good' });
    expect(await erase.isDisabled()).toBe(true);
    await dialog.getByRole('textbox', { name: 'Type ada to confirm' }).fill('ada');
    await erase.click();
    await page().waitForURL('**/profiles');
    const response = await fetch(`${e2e.api.url}/api/profiles/ada`, { headers: { Cookie: e2e.cookie } });
    expect(response.status).toBe(404);
  });

  it('raised no console errors in the page', () => {
    expect(e2e.consoleErrors).toEqual([]);
  });
});
