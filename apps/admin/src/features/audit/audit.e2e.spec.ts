// End-to-end: the audit log in a real Chromium against the real, built API process: changes made
// by the signed-in owner and a refused one by an API key, filtered, and one opened in full.
import { jest } from '@jest/globals';
import { type AdminE2E, describeViolations, startAdminE2E } from '@itinera/testing/admin-e2e';

jest.setTimeout(120_000);

describe('audit log in a browser', () => {
  let e2e: AdminE2E;
  const page = () => e2e.page;
  let keyName = '';

  beforeAll(async () => {
    e2e = await startAdminE2E({ area: 'audit' });
    keyName = `CI pipeline ${Date.now()}`;
    // Changes by the signed-in owner (the session), and one refused to a viewer key.
    await e2e.management('/api/topics', {
      method: 'POST',
      body: { key: 'product-news', name: 'Product news', defaultPreference: 'opted_in' },
    });
    await e2e.management('/api/topics/product-news', { method: 'PATCH', body: { name: 'Product updates' } });
    const { key } = await e2e.management<{ key: string }>('/api/api-keys', {
      method: 'POST',
      body: { name: keyName, kind: 'secret', role: 'viewer' },
    });
    const refused = await fetch(`${e2e.api.url}/api/topics/product-news`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${key}` },
    });
    expect(refused.status).toBe(403);
  }, 120_000);

  afterAll(async () => {
    await e2e?.stop();
  });

  it('lists who changed what, newest first, with the refusal', async () => {
    await page().goto('/audit');
    const table = page().getByRole('table', { name: 'Audit log' });
    await table.getByRole('row').filter({ hasText: 'Refused · 403' }).waitFor();
    const texts = (await table.getByRole('row').allTextContents()).slice(1);
    expect(texts[0]).toContain(keyName);
    expect(texts[0]).toContain('Deleted topic');
    expect(texts.find((t) => t.includes('Changed topic'))).toContain(e2e.email);
    expect(texts.find((t) => t.includes('Created API key'))).toContain('Done');
    expect(texts.some((t) => t.includes('Created topic'))).toBe(true);
    await e2e.shot('01-audit-log');
    const violations = await e2e.axe();
    expect(describeViolations(violations)).toBe('');
  });

  it('filters by outcome and opens an entry with the fields it set and why it was refused', async () => {
    await page()
      .locator('.filters')
      .getByRole('button', { name: /Outcome/ })
      .click();
    await page().getByRole('option', { name: 'Refused' }).click();
    const table = page().getByRole('table', { name: 'Audit log' });
    await page().waitForURL(/outcome=refused/);
    await page().waitForFunction(() => document.querySelectorAll('table[aria-label="Audit log"] tbody tr').length === 1);
    await table.getByRole('button', { name: 'Deleted topic' }).click();
    const dialog = page().getByRole('dialog', { name: 'Deleted topic' });
    await dialog.getByText('Why it was refused').waitFor();
    expect(await dialog.getByLabel('Result').textContent()).toContain('editor role');
    expect(await dialog.textContent()).toContain('DELETE /api/topics/:key');
    await e2e.shot('02-refused-entry');
    await dialog.getByRole('button', { name: /Close/ }).first().click();

    await page().getByRole('button', { name: 'Clear filters' }).click();
    await table.getByRole('button', { name: 'Changed topic' }).click();
    const changed = page().getByRole('dialog', { name: 'Changed topic' });
    expect(JSON.parse((await changed.getByLabel('Changes').textContent()) ?? '')).toEqual({ name: 'Product updates' });
    await changed.getByRole('button', { name: /Close/ }).first().click();
  });

  it('raised no console errors in the page', () => {
    // The refused call was the test's own, not the page's.
    expect(e2e.consoleErrors).toEqual([]);
  });
});
