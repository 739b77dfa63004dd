// Shared set-up of the admin SPA's end-to-end suites: the real, built API process serving the built
// SPA, a signed-in Chromium page at 1280×800, the page's console errors, screenshots into the
// git-ignored test-artifacts folder, and an axe-core scan injected into the page.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type ApiProcess, isolatedStoreEnv, startApiProcess } from './api-process.js';
import { launchBrowser } from './browser.js';

const ADMIN_DIST = fileURLToPath(new URL('../../apps/admin/dist', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
}

export interface AdminE2E {
  api: ApiProcess;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  email: string;
  password: string;
  /** The session cookie, as a Cookie header, for calls made by the test itself. */
  cookie: string;
  /** Console errors and uncaught exceptions of the page, less the HTTP statuses a test said to expect. */
  consoleErrors: string[];
  /** Calls the management API as the signed-in owner; throws on a non-2xx answer. */
  management<T = unknown>(path: string, init?: { method?: string; body?: unknown }): Promise<T>;
  /** Full-page screenshot into test-artifacts/<area>/<name>.png. */
  shot(name: string): Promise<string>;
  /** axe-core's serious and critical violations on the current page. */
  axe(): Promise<AxeViolation[]>;
  /** Signs a browser context in as a user (a second member, another role). */
  signIn(context: BrowserContext, email: string, password: string): Promise<void>;
  stop(): Promise<void>;
}

export interface AdminE2EOptions {
  /** Folder under test-artifacts/ for this suite's screenshots. */
  area: string;
  /** HTTP statuses the suite provokes on purpose; Chromium logs each failed fetch as a console error. */
  expectedStatuses?: number[];
  env?: Record<string, string>;
}

async function login(url: string, email: string, password: string): Promise<{ name: string; value: string }> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  const [pair] = (response.headers.get('set-cookie') ?? '').split(';');
  const at = pair.indexOf('=');
  return { name: pair.slice(0, at), value: pair.slice(at + 1) };
}

export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map(
      (v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join('\n')}`,
    )
    .join('\n');
}

export async function startAdminE2E(options: AdminE2EOptions): Promise<AdminE2E> {
  if (!existsSync(`${ADMIN_DIST}/index.html`)) {
    throw new Error(`The admin SPA is not built (${ADMIN_DIST}/index.html is missing); run the @itinera/admin build first.`);
  }
  const folder = `${ARTIFACTS}${options.area}/`;
  mkdirSync(folder, { recursive: true });
  const email = `owner-${randomBytes(4).toString('hex')}@example.test`;
  const password = `Itinera-${randomBytes(9).toString('base64url')}`;
  const api = await startApiProcess(
    {
      ITINERA_ADMIN_EMAIL: email,
      ITINERA_ADMIN_PASSWORD: password,
      ITINERA_ADMIN_DIST: ADMIN_DIST,
      ...isolatedStoreEnv(`admin_${options.area}`),
      ...(options.env ?? {}),
    },
    60_000,
  );
  const session = await login(api.url, email, password);
  const cookie = `${session.name}=${session.value}`;
  const browser = await launchBrowser();
  const consoleErrors: string[] = [];
  const expected = new RegExp(`status of (${(options.expectedStatuses ?? []).join('|') || 'none'})\\b`);

  async function signIn(context: BrowserContext, userEmail: string, userPassword: string) {
    const other = await login(api.url, userEmail, userPassword);
    await context.addCookies([{ name: other.name, value: other.value, url: api.url, httpOnly: true, sameSite: 'Lax' }]);
  }

  const context = await browser.newContext({ baseURL: api.url, viewport: { width: 1280, height: 800 } });
  await context.addCookies([{ name: session.name, value: session.value, url: api.url, httpOnly: true, sameSite: 'Lax' }]);
  // This machine has no Internet: what a rendered e-mail loads from elsewhere (web fonts, images)
  // is answered empty here, as an offline mail client would show it, instead of failing DNS.
  await context.route(
    (url) => url.origin !== new URL(api.url).origin && url.protocol.startsWith('http'),
    (route) => route.fulfill({ status: 204, body: '' }),
  );
  // A browser step waits up to a minute: on a two-core machine running every suite at once, an
  // answer that takes 100 ms alone has taken tens of seconds.
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !expected.test(message.text())) consoleErrors.push(message.text());
  });

  return {
    api,
    browser,
    context,
    page,
    email,
    password,
    cookie,
    consoleErrors,
    async management<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
      const response = await fetch(`${api.url}${path}`, {
        method: init.method ?? 'GET',
        headers: { Cookie: cookie, 'Content-Type': 'application/json' },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    async shot(name: string) {
      const path = `${folder}${name}.png`;
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async axe() {
      // Evaluated through the DevTools protocol: the page's Content-Security-Policy refuses inline scripts.
      await page.evaluate(AXE_SOURCE);
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> } })
          .axe;
        const result = await axe.run(document, { resultTypes: ['violations'] });
        return result.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
        }));
      });
      return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    },
    signIn,
    async stop() {
      await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      const code = await api.stop();
      if (code !== 0 && code !== null) console.error(`API process exited with ${code}:\n${api.output()}`);
    },
  };
}
