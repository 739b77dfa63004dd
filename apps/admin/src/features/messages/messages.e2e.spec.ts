// End-to-end: "why didn't this user get the message?" answered in a real Chromium against the
// real, built API process: messages sent through the real pipeline (a frequency cap of one a day
// throttles the second), the log filtered by status, template and profile, and a message's page
// with its lifecycle, the cap that stopped it, and the rendered content of one that was sent.
import { jest } from '@jest/globals';
import { type AdminE2E, describeViolations, startAdminE2E } from '@itinera/testing/admin-e2e';

jest.setTimeout(120_000);

describe('messages in a browser', () => {
  let e2e: AdminE2E;
  const page = () => e2e.page;
  const rows = () => page().getByRole('table', { name: 'Messages' }).locator('tbody tr');

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

  async function choose(label: string, option: string) {
    await page()
      .locator('.filters')
      .getByRole('button', { name: new RegExp(label) })
      .click();
    await page().getByRole('option', { name: option, exact: true }).click();
  }

  beforeAll(async () => {
    e2e = await startAdminE2E({ area: 'messages' });
    await e2e.management('/api/settings', {
      method: 'PUT',
      body: {
        quietHours: { enabled: false, start: '21:00', end: '08:00' },
        frequencyCaps: [{ id: 'one-per-day', scope: 'global', limit: 1, windowSeconds: 86_400, action: 'skip' }],
      },
    });
    for (const userId of ['ada', 'bob'])
      await e2e.management(`/api/profiles/${userId}`, { method: 'PUT', body: { traits: { first_name: userId } } });
    await e2e.management('/api/templates', {
      method: 'POST',
      body: {
        key: 'nudge',
        name: 'Nudge',
        content: { inapp: { title: 'Hi {{ profile.traits.first_name }}', body: 'Your report is ready.' } },
      },
    });
    const send = (userId: string) =>
      e2e.management<{ channels: Array<{ status: string }> }>('/api/templates/nudge/test-send', {
        method: 'POST',
        body: { userId, channels: ['inapp'] },
      });
    expect((await send('ada')).channels[0].status).toBe('sent');
    expect((await send('ada')).channels[0].status).toBe('throttled');
    expect((await send('bob')).channels[0].status).toBe('sent');
  }, 120_000);

  afterEach(async () => {
    await e2e?.page.screenshot({
      path: `test-artifacts/messages/after/${expect.getState().currentTestName?.replace(/\W+/g, '-').slice(0, 60)}.png`,
    });
  });

  afterAll(async () => {
    await e2e?.stop();
  });

  it('lists every message, newest first, with why each was held back', async () => {
    await page().goto('/messages');
    await until('three messages', async () => (await rows().count()) === 3);
    expect(await rows().first().textContent()).toContain('bob');
    expect(await page().getByText('Frequency cap “one-per-day”', { exact: false }).count()).toBe(1);
    await e2e.shot('01-message-log');
    await expectAccessible('message log');
  });

  it('filters the log by status, template and profile', async () => {
    await choose('Status', 'Throttled');
    await until('only the throttled message', async () => (await rows().count()) === 1);
    expect(new URL(page().url()).searchParams.get('status')).toBe('throttled');
    await choose('Status', 'All statuses');
    await choose('Template', 'Nudge');
    await page().getByRole('textbox', { name: 'Profile (user id)' }).fill('ada');
    await until("only ada's two messages", async () => (await rows().count()) === 2);
    await choose('Status', 'Throttled');
    await until('the throttled one of ada', async () => (await rows().count()) === 1);
    await e2e.shot('02-message-log-filtered');
  });

  it('opens a throttled message: its lifecycle and the cap that stopped it answer why it was not received', async () => {
    await rows().first().getByRole('link').first().click();
    await page().waitForURL(/\/messages\/[0-9a-f-]{36}$/);
    const verdict = page().getByTestId('message-verdict');
    await verdict.waitFor();
    expect(await verdict.textContent()).toContain('Not sent: a delivery rule stopped it.');
    expect(await verdict.textContent()).toContain('Frequency cap “one-per-day”: at most 1 message per 1 day to one person.');
    await verdict.getByRole('link', { name: 'Review the frequency caps' }).waitFor();
    const steps = page().getByTestId('lifecycle-step');
    expect(await steps.last().textContent()).toContain('Throttled');
    await e2e.shot('03-message-throttled');
    await expectAccessible('throttled message');
  });

  it('opens a sent message with its rendered content and provider details', async () => {
    await page().goto('/messages?status=sent&userId=bob');
    await until("bob's sent message", async () => (await rows().count()) === 1);
    await rows().first().getByRole('link').first().click();
    await page().getByTestId('message-verdict').waitFor();
    expect(await page().getByTestId('message-verdict').textContent()).toMatch(/^Sent/);
    expect(await page().getByTestId('inapp-preview').textContent()).toContain('Hi bob');
    expect(await page().getByText('inapp', { exact: true }).count()).toBeGreaterThan(0);
    await e2e.shot('04-message-sent');
    await expectAccessible('sent message');
  });

  it('raised no console errors in the page', () => {
    expect(e2e.consoleErrors).toEqual([]);
  });
});
