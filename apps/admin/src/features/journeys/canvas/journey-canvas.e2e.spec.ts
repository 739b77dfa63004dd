// End-to-end: a lifecycle manager builds the SPEC example journey on the canvas with the mouse, in
// a real Chromium against the real, built API process (PostgreSQL, Redis), publishes it, sends
// its trigger event through /v1/track and reads the run on the canvas.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { type SmtpFake, startSmtpFake } from '@itinera/fakes';
import { type ApiProcess, isolatedStoreEnv, launchBrowser, startApiProcess } from '@itinera/testing';

const ADMIN_DIST = fileURLToPath(new URL('../../../../dist', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../../../../../../test-artifacts/canvas/', import.meta.url));
const SPEC_EXAMPLE = JSON.parse(
  readFileSync(new URL('../../../../../../libs/journey-model/src/fixtures/spec-example.json', import.meta.url), 'utf8'),
);
const MJML = (text: string) => `<mjml><mj-body><mj-section><mj-column><mj-text>${text}</mj-text></mj-column></mj-section></mj-body></mjml>`;

const email = `owner-${randomBytes(4).toString('hex')}@example.test`;
const password = `Itinera-${randomBytes(9).toString('base64url')}`;
const journeyName = `Trial onboarding ${randomBytes(3).toString('hex')}`;

type Edge = { from: string; port?: string; to: string };
const edgeKey = (e: Edge) => `${e.from}:${e.port ?? 'next'}>${e.to}`;

describe('journey canvas in a browser', () => {
  let api: ApiProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cookie = '';
  let journeyId = '';
  let runId = '';
  let positionsBefore: Record<string, { x: number; y: number }> = {};
  const consoleErrors: string[] = [];
  // The CRM the fetch step calls when it is run for real: a loopback server the HTTP data source is allowed to reach.
  let crm: Server;
  let crmUrl = '';
  let smtp: SmtpFake;

  async function management(path: string, init: { method?: string; body?: unknown } = {}) {
    const response = await fetch(`${api.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { Cookie: cookie, 'Content-Type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  const draft = async () =>
    (await management(`/api/journeys/${journeyId}`)).draft as {
      nodes: Array<{ id: string; type: string; config?: unknown }>;
      edges: Edge[];
      ui?: { positions?: Record<string, { x: number; y: number }> };
    };
  const panel = () => page.getByRole('complementary', { name: 'Side panel' });
  const step = (id: string) => page.getByTestId(`step-${id}`);
  const shot = (name: string) => page.screenshot({ path: `${ARTIFACTS}${name}.png` });

  async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  async function saved() {
    await until('the draft to be saved', async () => (await page.getByTestId('save-state').textContent())?.includes('Saved'));
  }

  /** Drags a palette entry onto the canvas at a point of the pane, then names the new step. */
  async function dropStep(paletteKey: string, at: { x: number; y: number }, id: string) {
    const pane = page.locator('.react-flow__pane');
    await page.getByTestId(`palette-${paletteKey}`).dragTo(pane, { targetPosition: at });
    const idField = panel().getByRole('textbox', { name: 'Step id' });
    await idField.fill(id);
    await idField.press('Tab');
    await step(id).waitFor();
  }

  /** Drags from an output port of one step to the input of another. */
  async function connect(from: string, port: string, to: string) {
    const handles = async () => ({
      pane: await page.locator('.react-flow__pane').boundingBox(),
      source: await step(from).locator(`.react-flow__handle[data-handleid="${port}"]`).boundingBox(),
      target: await step(to).locator('.react-flow__handle[data-handleid="in"]').boundingBox(),
    });
    const inside = (box: { x: number; y: number } | null, pane: { x: number; y: number; width: number; height: number } | null) =>
      Boolean(
        box && pane && box.x > pane.x + 60 && box.x < pane.x + pane.width - 60 && box.y > pane.y + 60 && box.y < pane.y + pane.height - 60,
      );
    let { pane, source, target } = await handles();
    // A connection dragged near the pane's edge pans the view (slowly on a loaded machine): bring every step back first.
    if (!inside(source, pane) || !inside(target, pane)) {
      await page.getByRole('button', { name: 'Fit View' }).click();
      await page.waitForTimeout(300);
      ({ pane, source, target } = await handles());
    }
    if (!source || !target) throw new Error(`no handle for ${from}:${port} or ${to}`);
    await page.mouse.move(source.x + source.width / 2, source.y + source.height / 2);
    await page.mouse.down();
    await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2 - 20, { steps: 8 });
    await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 4 });
    await page.mouse.up();
    try {
      await page.locator(`[data-testid="rf__edge-${from}:${port}"]`).waitFor({ state: 'attached', timeout: 5000 });
    } catch (error) {
      await shot(`failed-connect-${from}-${port}`);
      throw error;
    }
  }

  async function choose(field: Locator, option: string) {
    await field.click();
    await page.getByRole('option', { name: option, exact: true }).click();
  }

  async function fillCombo(name: string, value: string) {
    const input = panel().getByRole('combobox', { name });
    await input.fill(value);
    await input.press('Escape');
  }

  /** Adds one rule to the condition builder in the side panel. */
  async function addRule(field: string, value: string) {
    await panel().getByRole('button', { name: '+ Condition' }).click();
    const rule = panel().locator('.rule').last();
    const fieldInput = rule.getByRole('combobox', { name: 'Field' });
    await fieldInput.fill(field);
    await fieldInput.press('Escape');
    await rule.getByTitle('Value').fill(value);
  }

  beforeAll(async () => {
    if (!existsSync(`${ADMIN_DIST}/index.html`)) throw new Error(`The admin SPA is not built (${ADMIN_DIST}/index.html is missing).`);
    mkdirSync(ARTIFACTS, { recursive: true });
    crm = createServer((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ account: req.url, score: req.url?.endsWith('/acme') ? 12 : 95, owner: { name: 'Kim' } }));
    });
    await new Promise<void>((resolve) => crm.listen(0, '127.0.0.1', resolve));
    crmUrl = `http://127.0.0.1:${(crm.address() as { port: number }).port}`;
    smtp = await startSmtpFake();
    api = await startApiProcess(
      {
        ITINERA_ADMIN_EMAIL: email,
        ITINERA_ADMIN_PASSWORD: password,
        ITINERA_ADMIN_DIST: ADMIN_DIST,
        ...isolatedStoreEnv('admin_canvas'),
      },
      60_000,
    );
    const login = await fetch(`${api.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    await management('/api/topics', { method: 'POST', body: { key: 'onboarding', name: 'Onboarding', defaultPreference: 'opted_in' } });
    await management('/api/channels', {
      method: 'POST',
      body: { pluginId: '@itinera/datasource-http/http', name: 'CRM', config: { allowCidrs: ['127.0.0.0/8'] } },
    });
    await management('/api/channels', {
      method: 'POST',
      body: {
        pluginId: '@itinera/channel-email-smtp/smtp',
        name: 'SMTP',
        config: { host: '127.0.0.1', port: smtp.port, startTls: 'disabled', from: 'hi@example.test' },
      },
    });
    for (const key of ['welcome', 'check-in']) {
      await management('/api/templates', {
        method: 'POST',
        body: {
          key,
          name: key,
          content: {
            email: { subject: `${key} {{ profile.traits.name }}`, mjml: MJML(`Hello {{ profile.traits.name }}`) },
            inapp: { title: key, body: key },
          },
        },
      });
      await management(`/api/templates/${key}/publish`, { method: 'POST', body: {} });
    }
    browser = await launchBrowser();
    context = await browser.newContext({ baseURL: api.url, viewport: { width: 1280, height: 800 } });
    // No Internet here: what a rendered e-mail loads from elsewhere (web fonts) is answered empty, as an offline mail client shows it.
    await context.route(
      (url) => url.origin !== new URL(api.url).origin && url.protocol.startsWith('http'),
      (route) => route.fulfill({ status: 204, body: '' }),
    );
    page = await context.newPage();
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('console', (message) => {
      // The browser logs every non-2xx fetch; the expected ones (not signed in yet, the conflict) are not errors of the page.
      if (message.type() === 'error' && !/status of (401|409)/.test(message.text())) consoleErrors.push(message.text());
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await new Promise((resolve) => crm?.close(resolve));
    await smtp?.close();
    if (api) {
      const code = await api.stop();
      if (code !== 0 && code !== null) console.error(`API process exited with ${code}:\n${api.output()}`);
    }
  });

  it('signs in and creates a blank journey, opening an empty canvas', async () => {
    await page.goto('/login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'No journeys yet' }).waitFor();
    await page.getByRole('button', { name: 'New journey' }).first().click();
    await page.getByRole('dialog').getByRole('textbox', { name: 'Name' }).fill(journeyName);
    await page.getByRole('button', { name: 'Create journey' }).click();
    await page.waitForURL(/\/journeys\/[0-9a-f-]{36}$/);
    journeyId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByTestId('canvas').waitFor();
    expect(await page.locator('.react-flow__node').count()).toBe(0);
    // Validation runs in a worker: the answer comes a moment after the canvas.
    await until('the missing trigger to be reported', async () => (await page.getByTestId('problem-count').textContent()) === '1 problem');
  }, 30_000);

  it('builds the SPEC example with the mouse: steps from the palette, side panels, condition builder, connected ports', async () => {
    // Room for nine steps side by side: zoomed out, dropped on a 3 × 3 grid well inside the pane (518 px wide
    // beside the side panel): dragging a connection near the pane's edges pans the view, and a loaded machine
    // makes that drag last long enough to move the steps out of reach. The problems list folded for room.
    for (let i = 0; i < 4; i++) await page.getByRole('button', { name: 'Zoom Out' }).click();
    await page.getByRole('button', { name: /problem/ }).click();
    const cell = (column: number, row: number) => ({ x: 70 + column * 140, y: 90 + row * 120 });
    // The trigger: a problem appears (no event) and clears once the event is chosen.
    await dropStep('trigger', cell(0, 0), 'start');
    await until('the empty event to be reported', async () => (await step('start').locator('.step__problems').count()) > 0);
    await fillCombo('Event', 'signed_up');
    await until('the trigger to be valid', async () => (await step('start').locator('.step__problems').count()) === 0);
    await addRule('event.properties.plan', 'trial');
    await shot('side-panel-trigger');

    await dropStep('send', cell(1, 0), 'welcome');
    await fillCombo('Template', 'welcome');
    await panel().locator('label.checkbox', { hasText: 'In-app' }).click();
    await choose(panel().getByRole('button', { name: /Routing/ }), 'single');
    await fillCombo('Topic (optional)', 'onboarding');

    await dropStep('wait_for_event', cell(2, 0), 'wait');
    await fillCombo('Event', 'feature_activated');
    const timeout = panel().getByRole('textbox', { name: 'Wait at most' });
    await timeout.fill('3 days');
    await timeout.press('Tab');

    await dropStep('fetch:http', cell(0, 1), 'health');
    await panel().getByRole('textbox', { name: 'URL' }).fill('https://crm.example/accounts/{{ profile.traits.account_id }}');

    await dropStep('ai:openai', cell(1, 1), 'risk');
    await choose(panel().getByRole('button', { name: /Task/ }), 'classify');
    await panel()
      .getByRole('textbox', { name: /^Labels/ })
      .fill('high, low');
    await panel().getByRole('textbox', { name: 'Prompt' }).fill('…{{ data.health.body.score }}…');

    await dropStep('branch', cell(2, 1), 'route');
    await panel().getByRole('textbox', { name: 'Port' }).fill('at_risk');
    await addRule('data.risk.label', 'high');
    await shot('side-panel-branch');

    await dropStep('send', cell(0, 2), 'nudge');
    await fillCombo('Template', 'check-in');

    await dropStep('delay', cell(1, 2), 'tomorrow9');
    await choose(panel().getByRole('button', { name: /Waits/ }), 'Until a time of day');

    await dropStep('exit', cell(2, 2), 'done');

    // The goal, in the journey settings.
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('dialog', { name: 'Journey settings' });
    await settings.getByRole('button', { name: 'Add a goal' }).click();
    const goal = settings.getByRole('combobox', { name: 'Event' });
    await goal.fill('subscription_started');
    await goal.press('Tab');
    await settings.getByRole('button', { name: 'Close' }).click();

    await saved();
    for (const edge of SPEC_EXAMPLE.edges as Edge[]) await connect(edge.from, edge.port ?? 'next', edge.to);
    await page.getByRole('button', { name: 'Auto-layout' }).click();
    await until('no problems', async () => (await page.getByTestId('problem-count').textContent()) === 'No problems');
    await saved();
    await shot('canvas-built');

    const built = await draft();
    const { ui, ...graph } = built as typeof built & { name: string };
    expect({ ...graph, edges: graph.edges.map(edgeKey).sort() }).toEqual({
      ...SPEC_EXAMPLE,
      name: journeyName,
      edges: (SPEC_EXAMPLE.edges as Edge[]).map(edgeKey).sort(),
    });
    expect(Object.keys(ui?.positions ?? {}).sort()).toEqual(SPEC_EXAMPLE.nodes.map((n: { id: string }) => n.id).sort());
    positionsBefore = ui!.positions!;
  }, 180_000);

  it('undoes and redoes with the keyboard', async () => {
    await step('done').click();
    await page.keyboard.press('Delete');
    await until('done deleted', async () => (await step('done').count()) === 0);
    await page.keyboard.press('Control+z');
    await step('done').waitFor();
    await page.keyboard.press('Control+Shift+z');
    await until('done deleted again', async () => (await step('done').count()) === 0);
    await page.keyboard.press('Control+z');
    await step('done').waitFor();
    await saved();
    expect((await draft()).nodes.map((n) => n.id)).toContain('done');
  }, 30_000);

  it("runs the fetch step for real and offers its output's fields to the steps after it", async () => {
    await step('health').click();
    await panel().getByRole('textbox', { name: 'URL' }).fill(`${crmUrl}/accounts/{{ profile.traits.account_id }}`);
    const run = panel().getByRole('region', { name: 'Run this step' });
    await run.getByText('Made-up traits', { exact: true }).click();
    await run.getByRole('textbox', { name: 'Traits' }).fill('{"name": "Ada", "account_id": "acme"}');
    await run.getByRole('button', { name: 'Run this step' }).click();
    await run.getByText('this is now the sample output').waitFor();
    expect(JSON.parse((await run.getByLabel('Output of the run').textContent()) ?? '')).toMatchObject({
      status: 200,
      body: { account: '/accounts/acme', score: 12, owner: { name: 'Kim' } },
    });
    await shot('run-this-step');
    await saved();
    const samples = (await draft()).ui as { samples?: Record<string, { body?: { score?: number } }> };
    expect(samples.samples?.health?.body?.score).toBe(12);

    // The AI step after it offers the fields the real answer had, not only "body".
    await step('risk').click();
    await panel().getByRole('button', { name: 'Insert a variable into Prompt' }).click();
    // The menu is labelled by its trigger ("Insert a variable into Prompt").
    const variables = page.getByRole('menu', { name: 'Insert a variable into Prompt' });
    const variable = (path: string) => variables.locator('.menu__item', { hasText: new RegExp(` ${path.replaceAll('.', '\\.')}$`) });
    await variable('data.health.body.owner.name').waitFor();
    expect(await variable('data.health.body.score').count()).toBe(1);
    await shot('variables-from-the-run');
    await page.keyboard.press('Escape');
    await variables.waitFor({ state: 'hidden' });
  }, 60_000);

  it('simulates with made-up traits: the path lights up and the rendered e-mails show', async () => {
    await page.getByRole('button', { name: 'Simulate' }).click();
    const simulate = page.getByLabel('Simulate', { exact: true });
    await simulate.getByText('Made-up traits', { exact: true }).click();
    await simulate.getByRole('textbox', { name: 'Traits' }).fill('{"name": "Ada", "plan": "trial", "account_id": "acme"}');
    await simulate.getByRole('textbox', { name: 'Event properties' }).fill('{"plan": "trial"}');
    // The fetch step's sample is the real answer of the run before; the AI step's is made up (label "high").
    expect(await simulate.getByRole('textbox', { name: 'Sample output of health' }).inputValue()).toContain('"score": 12');
    await simulate.getByRole('button', { name: 'Run the simulation' }).click();
    const result = simulate.getByRole('region', { name: 'Simulation result' });
    await result.getByText('completed').waitFor();
    const path = ['start', 'welcome', 'wait', 'health', 'risk', 'route', 'nudge', 'tomorrow9', 'done'];
    for (const id of path) expect(await step(id).getAttribute('class')).toContain('step--visited');
    expect(await page.locator('[data-testid="rf__edge-route:at_risk"] .edge--path').count()).toBe(1);
    // The rendered e-mails, in the same preview the template editor shows.
    const welcome = result.getByLabel('email of welcome');
    expect(await welcome.getByTestId('preview-subject').textContent()).toBe('welcome Ada');
    await welcome.frameLocator('iframe').getByText('Hello Ada').waitFor();
    expect(await result.getByLabel('email of nudge').getByTestId('preview-subject').textContent()).toBe('check-in Ada');
    await page.waitForTimeout(300);
    await shot('simulation');
    await simulate.getByRole('button', { name: 'Close the simulation' }).click();
    await page.getByRole('button', { name: 'Clear', exact: true }).click();
    await until('the path to be cleared', async () => !(await step('start').getAttribute('class'))?.includes('step--visited'));
  }, 60_000);

  it('publishes with a note, showing the diff against the live version', async () => {
    await page.getByRole('button', { name: 'Publish' }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish version 1' });
    await dialog.getByTestId('diff-summary').getByText('9 added').waitFor();
    await dialog.getByRole('textbox').first().fill('First version: the SPEC example');
    await dialog.getByRole('button', { name: 'Publish version 1' }).click();
    await page.getByText('Published version 1').waitFor();
    expect(await management(`/api/journeys/${journeyId}/versions`)).toMatchObject([
      { version: 1, note: 'First version: the SPEC example' },
    ]);

    // An edit after publishing: the diff shows the changed step against the live version.
    await step('wait').click();
    const timeout = panel().getByRole('textbox', { name: 'Wait at most' });
    await timeout.fill('2 days');
    await timeout.press('Tab');
    await saved();
    await page.getByRole('button', { name: 'Publish' }).click();
    const second = page.getByRole('dialog', { name: 'Publish version 2' });
    await second.getByTestId('diff-summary').getByText('1 changed').waitFor();
    expect(await second.getByRole('list', { name: 'Changed steps' }).textContent()).toBe('changed: wait');
    await second.getByText('Runs in flight stay on version 1').waitFor();
    await second.locator('.step--changed').first().waitFor();
    await page.waitForTimeout(300);
    await shot('publish-diff');
    await second.getByRole('button', { name: 'Cancel' }).click();
  }, 60_000);

  it('runs the published journey for an event sent through /v1/track and shows the run on its canvas', async () => {
    const { key: writeKey } = await management('/api/api-keys', { method: 'POST', body: { name: 'write', kind: 'write' } });
    const userId = `ada-${randomBytes(3).toString('hex')}`;
    const tracked = await fetch(`${api.url}/v1/track`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` },
      body: JSON.stringify({ userId, event: 'signed_up', properties: { plan: 'trial' }, traits: { name: 'Ada' } }),
    });
    expect(tracked.status).toBe(200);
    const run = await until('the run to wait for feature_activated', async () => {
      const page = await management(`/api/journeys/${journeyId}/runs?userId=${userId}`);
      return page.data[0]?.status === 'waiting' && page.data[0];
    });
    runId = run.id;

    await page.getByRole('button', { name: 'Runs' }).click();
    await page.getByRole('link', { name: new RegExp(userId) }).click();
    await page.waitForURL(`**/runs/${runId}`);
    await step('wait').waitFor();
    for (const id of ['start', 'welcome', 'wait']) expect(await step(id).getAttribute('class')).toContain('step--visited');
    expect(await step('health').getAttribute('class')).not.toContain('step--visited');
    await step('welcome').click();
    await page.getByRole('complementary', { name: 'Step of the run' }).getByRole('heading', { name: 'Output' }).waitFor();
    await shot('run-on-canvas');
  }, 60_000);

  it("shows the journey's real traffic on the canvas: counts on steps, shares on edges", async () => {
    await until('the run to be counted', async () => (await management(`/api/journeys/${journeyId}/analytics`)).entered === 1);
    await page.goto(`/journeys/${journeyId}`);
    await step('start').waitFor();
    await page.getByRole('button', { name: 'Analytics', exact: true }).click();
    const bar = page.getByRole('region', { name: 'Analytics on the canvas' });
    await bar.getByText('1 entered · 0% converted').waitFor();
    expect(await page.getByTestId('counts-start').textContent()).toContain('1 in');
    expect(await page.getByTestId('counts-wait').textContent()).toContain('1 here now');
    expect(await page.getByTestId('counts-health').textContent()).toBe('no runs yet');
    expect(await page.getByTestId('share-start:next').textContent()).toBe('100% · 1');
    expect(await page.getByTestId('share-wait:timeout').textContent()).toBe('0%');
    await page.waitForTimeout(200);
    await shot('analytics-on-canvas');
    await page.getByRole('button', { name: 'Hide the analytics' }).click();
    expect(await page.getByTestId('counts-start').count()).toBe(0);
  }, 40_000);

  it('keeps the positions after a reload', async () => {
    await page.goto(`/journeys/${journeyId}`);
    await step('route').waitFor();
    await page.reload();
    await step('route').waitFor();
    const positions = (await draft()).ui?.positions;
    expect(positions).toEqual(positionsBefore);
    const transform = await page
      .locator('.react-flow__node[data-id="route"]')
      .evaluate((element) => (element as HTMLElement).style.transform);
    expect(transform).toBe(`translate(${positionsBefore.route.x}px, ${positionsBefore.route.y}px)`);
  }, 30_000);

  it("a second tab's stale save gets the conflict instead of overwriting", async () => {
    const second = await context.newPage();
    await second.goto(`/journeys/${journeyId}`);
    await second.getByTestId('step-route').waitFor();
    // The first tab saves an edit...
    await step('nudge').click();
    await panel().getByRole('textbox', { name: 'Name on the canvas (optional)' }).fill('Check-in');
    await saved();
    // ...so the second, still on the older revision, is refused.
    await second.getByTestId('step-done').click();
    await second
      .getByRole('complementary', { name: 'Side panel' })
      .getByRole('textbox', { name: 'Name on the canvas (optional)' })
      .fill('The end');
    await second.getByText('Someone else saved this journey').waitFor();
    expect(await second.getByTestId('save-state').textContent()).toContain('Conflict');
    const nodes = (await draft()).nodes as Array<{ id: string; name?: string }>;
    expect(nodes.find((n) => n.id === 'nudge')?.name).toBe('Check-in');
    expect(nodes.find((n) => n.id === 'done')?.name).toBeUndefined();
    await second.screenshot({ path: `${ARTIFACTS}conflict.png` });
    await second.close();
  }, 60_000);

  it('lists the journey with its live version and unpublished changes', async () => {
    await page.goto('/journeys');
    const row = page.getByRole('row', { name: new RegExp(journeyName) });
    await row.waitFor();
    expect(await row.textContent()).toContain('v1');
    expect(await row.textContent()).toContain('Unpublished changes');
    await shot('journeys-list');
  });

  it('raised no errors in the page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
