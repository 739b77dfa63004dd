// End-to-end check of the admin shell in a real Chromium against the real, built API process:
// the API serves the built SPA (apps/admin/dist) on its own origin, as in production.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Cookie, Page } from 'playwright-core';
import { type ApiProcess, isolatedStoreEnv, launchBrowser, startApiProcess } from '@itinera/testing';

const ADMIN_DIST = fileURLToPath(new URL('../../dist', import.meta.url));
const SCREENSHOT_PATH = '/tmp/admin-shell.png';
const NAVIGATION = ['Journeys', 'Templates', 'Profiles', 'Messages', 'Settings'];

const email = `owner-${randomBytes(4).toString('hex')}@example.test`;
const password = `Itinera-${randomBytes(9).toString('base64url')}`;

interface SessionBody {
  user: { id: string; email: string };
  workspace: { id: string; name: string };
  role: string;
  via?: string;
}

function cookieHeader(cookies: Cookie[]): string {
  return cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
}

describe('admin shell in a browser', () => {
  let api: ApiProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let workspaceName: string;
  let signedInCookies: Cookie[];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(`${ADMIN_DIST}/index.html`)) {
      throw new Error(`The admin SPA is not built (${ADMIN_DIST}/index.html is missing); run the @itinera/admin build first.`);
    }
    api = await startApiProcess(
      { ITINERA_ADMIN_EMAIL: email, ITINERA_ADMIN_PASSWORD: password, ITINERA_ADMIN_DIST: ADMIN_DIST, ...isolatedStoreEnv('admin_shell') },
      60_000,
    );
    browser = await launchBrowser();
    context = await browser.newContext({ baseURL: api.url, viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    if (api) {
      const code = await api.stop();
      if (code !== 0 && code !== null) console.error(`API process exited with ${code}:\n${api.output()}`);
    }
  });

  it('sends a visitor without a session to the login page', async () => {
    await page.goto('/');
    await page.waitForURL('**/login');
    await page.getByRole('heading', { name: 'Sign in to Itinera' }).waitFor();
    expect(await page.getByLabel('Email').isVisible()).toBe(true);
    expect(await page.getByLabel('Password').isVisible()).toBe(true);
    expect(await page.title()).toBe('Sign in · Itinera');
  });

  it('shows the error in the form when the password is wrong', async () => {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(`${password}-wrong`);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/auth/login')),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    expect(response.status()).toBe(401);
    const body = (await response.json()) as { statusCode: number; error: string; message: string };
    expect(body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect(typeof body.message).toBe('string');

    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect((await alert.textContent())?.trim()).toBe(body.message);
    expect(new URL(page.url()).pathname).toBe('/login');
    const afterFailure = await fetch(`${api.url}/api/auth/me`, { headers: { Cookie: cookieHeader(await context.cookies()) } });
    expect(afterFailure.status).toBe(401);
  });

  it('signs in and shows the shell with navigation, workspace and the journeys empty state', async () => {
    await page.getByLabel('Password').fill(password);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/auth/login')),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    expect(response.status()).toBe(200);
    const session = (await response.json()) as SessionBody;
    expect(session).toMatchObject({
      user: { id: expect.any(String), email },
      workspace: { id: expect.any(String), name: expect.any(String) },
      role: 'owner',
    });
    workspaceName = session.workspace.name;

    await page.waitForURL('**/journeys');
    await page.getByRole('heading', { name: 'No journeys yet' }).waitFor();
    expect(await page.getByText('Journeys are created with the canvas', { exact: false }).isVisible()).toBe(true);

    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const label of NAVIGATION) {
      expect(await nav.getByRole('link', { name: label }).isVisible()).toBe(true);
    }
    expect(await nav.getByRole('link', { name: 'Journeys' }).getAttribute('aria-current')).toBe('page');
    expect(await page.getByTestId('workspace-name').textContent()).toBe(workspaceName);
    expect(await page.getByTestId('user-email').textContent()).toBe(email);
    expect(await page.getByTestId('user-role').textContent()).toBe('Owner');
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
  });

  it('keeps the session in an HttpOnly cookie the page cannot read', async () => {
    signedInCookies = await context.cookies();
    expect(signedInCookies.length).toBeGreaterThan(0);

    const withAll = await fetch(`${api.url}/api/auth/me`, { headers: { Cookie: cookieHeader(signedInCookies) } });
    expect(withAll.status).toBe(200);
    expect(await withAll.json()).toMatchObject({ user: { email }, workspace: { name: workspaceName }, role: 'owner', via: 'session' });

    // Whatever the page's scripts can see must not be enough to act as the user.
    const readable = signedInCookies.filter((cookie) => !cookie.httpOnly);
    const withReadable = await fetch(`${api.url}/api/auth/me`, { headers: { Cookie: cookieHeader(readable) } });
    expect(withReadable.status).toBe(401);
    const documentCookie = await page.evaluate(() => document.cookie);
    for (const cookie of signedInCookies.filter((c) => c.httpOnly)) {
      expect(documentCookie).not.toContain(cookie.value);
    }
  });

  it('stays signed in and renders deep links after a reload', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'No journeys yet' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/journeys');
    expect(await page.getByTestId('workspace-name').textContent()).toBe(workspaceName);
    await page.screenshot({ path: SCREENSHOT_PATH, fullPage: true });

    await page.goto('/settings');
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Channel providers' }).waitFor();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Journeys' }).click();
    await page.getByRole('heading', { name: 'No journeys yet' }).waitFor();
  });

  it('signs out, returns to the login page and ends the session on the server', async () => {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/auth/logout')),
      page.getByRole('button', { name: 'Sign out' }).click(),
    ]);
    expect(response.status()).toBe(204);
    await page.waitForURL('**/login');
    await page.getByRole('heading', { name: 'Sign in to Itinera' }).waitFor();

    await page.goto('/journeys');
    await page.waitForURL('**/login');

    // The old cookie must no longer open a session, even if someone kept a copy of it.
    const replay = await fetch(`${api.url}/api/auth/me`, { headers: { Cookie: cookieHeader(signedInCookies) } });
    expect(replay.status).toBe(401);
  });

  it('raised no uncaught errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
