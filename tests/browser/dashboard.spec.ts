import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import {
  DESKTOP,
  launchChromium,
  PHONE,
  screenshot,
  seriousAccessibilityViolations,
  startDashboardStack,
  type AxeViolation,
  type DashboardStack,
  waitFor,
} from '@throughline/testing';
import { buildDashboardIfStale } from '@throughline/local-infra';

/**
 * The dashboard in a real Chromium against the whole stack (services, identity provider, BFF, the
 * demo organisation): a director builds and activates a goal, a manager works on the task it made,
 * the director's open goal page follows without a reload; what a manager may not reach; sign-out.
 * Each main page is screenshotted at phone and desktop widths and checked with axe-core.
 */
describe('dashboard in Chromium', () => {
  let stack: DashboardStack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const violations: Array<AxeViolation & { page: string }> = [];

  beforeAll(async () => {
    buildDashboardIfStale();
    stack = await startDashboardStack();
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await stack?.stop();
  });

  const account = (name: string) =>
    stack.accounts.find((candidate: { name: string }) => candidate.name.startsWith(name))!;

  async function signIn(
    name: string,
    path: string,
    viewport: { width: number; height: number } = DESKTOP,
  ): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'en-GB' });
    contexts.push(context);
    const page = await context.newPage();
    const sessionRequests: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/auth/session') sessionRequests.push(request.url());
    });
    await page.goto(`${stack.url}${path}`);
    // Not signed in: the app sends the person to the identity provider's form, then back to the page.
    await page.getByLabel('E-mail').fill(account(name).email);
    await page.getByLabel('Password').fill(account(name).password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${stack.url}${path}`);
    await expectSettled(page);
    // One question per load of the app, before and after signing in: a preload (index.html) that the script's
    // request did not match would make it two per load.
    expect(sessionRequests).toHaveLength(2);
    return page;
  }

  /** The page has rendered its content: no loading indicator is left. */
  async function expectSettled(page: Page): Promise<void> {
    await page.locator('main').waitFor();
    // A link's URL changes before React renders the page it leads to: two frames, so its loading state is on screen.
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    await waitFor(async () => (await page.locator('.state-loading').count()) === 0, {
      timeoutMs: 30_000,
      what: `${page.url()} to finish loading`,
    });
  }

  /** Screenshots at both widths and axe-core at each; violations are collected and checked at the end. */
  async function review(page: Page, name: string): Promise<void> {
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      await expectSettled(page);
      await screenshot(page, name);
      // Nothing wider than a phone: the page scrolls down, never sideways (tables scroll in their own box).
      if (viewport === PHONE)
        expect({ page: name, width: await page.evaluate('document.documentElement.scrollWidth') }).toEqual({
          page: name,
          width: PHONE.width,
        });
      for (const violation of await seriousAccessibilityViolations(page)) violations.push({ ...violation, page: name });
    }
    await page.setViewportSize(DESKTOP);
  }

  /** Picks the option whose text contains `text` (people are listed by name and role). */
  async function selectByText(select: Locator, text: string): Promise<void> {
    await select.locator('option', { hasText: text }).first().waitFor({ state: 'attached' });
    const value = await select.locator('option', { hasText: text }).first().getAttribute('value');
    await select.selectOption(value!);
  }

  async function api<T>(page: Page, path: string): Promise<{ status: number; body: T }> {
    return (await page.evaluate(async (url) => {
      const response = await fetch(url);
      return { status: response.status, body: await response.json().catch(() => null) };
    }, path)) as { status: number; body: T };
  }

  it('a director plans and activates, a manager works, the director sees the score move live; access stays within roles; sign-out ends it', async () => {
    // Names of this run's own (the demo organisation may be shared with another run).
    const run = Date.now().toString(36);
    const beta = `Companion app beta ${run}`;
    const listing = `Store listing ${run}`;
    const director = await signIn('Dana', '/overview');
    expect(await director.getByRole('heading', { level: 1 }).textContent()).toContain('Acme Devices');
    await review(director, 'overview');
    // Since an earlier time (30 days back, or the first score of a demo loaded since): the figures of the score
    // the API answers for that time, and the change in words.
    const sinceFrom = await director.locator('.score-since select').inputValue();
    const then = await api<{ score: number }>(
      director,
      `/api/metrics/v1/scores/organisation?asOf=${encodeURIComponent(sinceFrom)}`,
    );
    expect(then.status).toBe(200);
    const sentence = (await director.getByTestId('score-since-summary').textContent()) ?? '';
    expect(
      sentence.includes(` points, ${then.body.score} → `) || sentence.includes(`Unchanged at ${then.body.score} `),
    ).toBe(true);

    // A new goal: an empty form is refused, each problem at the field it names.
    await director.getByRole('link', { name: 'New goal' }).first().click();
    const goalForm = director.getByRole('form', { name: 'New goal' });
    await goalForm.getByLabel('Budget').fill('80000');
    await goalForm.getByRole('button', { name: 'Create goal' }).click();
    await goalForm.locator('.field-invalid').first().waitFor();
    expect(await goalForm.getByLabel('Title').getAttribute('aria-invalid')).toBe('true');

    await goalForm.getByLabel('Title').fill('Ship the X200 companion app');
    await selectByText(goalForm.getByLabel('Owner'), 'Dana');
    await goalForm.getByLabel('Org unit').selectOption({ label: 'Product engineering' });
    const today = new Date();
    const day = (offset: number) => new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
    await goalForm.getByLabel('Starts').fill(day(-14));
    await goalForm.getByLabel('Ends').fill(day(76));
    await goalForm.getByRole('button', { name: 'Create goal' }).click();
    await director.waitForURL(/\/goals\/[0-9a-f-]{36}$/);
    await expectSettled(director);
    const goalPath = new URL(director.url()).pathname;

    // A deliverable for Mia (it becomes her task) and a key result, then activate.
    await director.getByText('Add a deliverable').click();
    const deliverable = director.getByRole('form', { name: 'Add a deliverable' });
    await deliverable.getByLabel('Title').fill(beta);
    await selectByText(deliverable.getByLabel('Manager'), 'Mia');
    await deliverable.getByLabel('Due').fill(day(30));
    await deliverable.getByLabel('Budget').fill('30000');
    await deliverable.getByRole('button', { name: 'Add deliverable' }).click();
    await director.getByText(beta).first().waitFor();
    // A second one for Max: his task is one Mia must not reach.
    await deliverable.getByLabel('Title').fill(listing);
    await selectByText(deliverable.getByLabel('Manager'), 'Max');
    await deliverable.getByLabel('Due').fill(day(40));
    await deliverable.getByLabel('Budget').fill('5000');
    await deliverable.getByRole('button', { name: 'Add deliverable' }).click();
    await director.getByText(listing).first().waitFor();

    await director.getByText('Add a key result').click();
    const keyResult = director.getByRole('form', { name: 'Add a key result' });
    await keyResult.getByLabel('Name').fill('App store rating');
    await keyResult.getByLabel('Unit').fill('stars');
    await keyResult.getByLabel('Baseline').fill('3.5');
    await keyResult.getByLabel('Target').fill('4.5');
    await keyResult.getByRole('button', { name: 'Add key result' }).click();
    await director.locator('.key-result', { hasText: 'App store rating' }).waitFor();

    await director.getByRole('button', { name: 'Activate goal' }).click();
    await director.locator('.chip-active').first().waitFor();
    // Scored once metrics has seen the activation: the open page shows it without a reload.
    const score = director.getByTestId('goal-score');
    await score.waitFor({ timeout: 30_000 });
    await director.evaluate('window.stillTheSamePage = true');
    const scoreBefore = await score.textContent();
    await review(director, 'goal');

    // The manager, in a browser of her own (a phone): the task made from the deliverable.
    const manager = await signIn('Mia', '/my/tasks', PHONE);
    const task = manager.getByTestId('task-item').filter({ hasText: beta });
    await task.waitFor({ timeout: 30_000 });
    // Only the moves the lifecycle allows from "todo".
    expect(await task.getByRole('button').allTextContents()).toEqual(['Start', 'Cancel task…']);
    await task.getByRole('button', { name: 'Start' }).click();
    await task.locator('.chip-in_progress').waitFor();
    await review(manager, 'my-tasks');
    await task.getByRole('link').first().click();
    await expectSettled(manager);
    const costForm = manager.getByRole('form', { name: 'Record a cost' });
    await costForm.getByLabel(/Amount/).fill('12500');
    await costForm.getByLabel('What for').fill('Beta testers’ devices');
    await costForm.getByRole('button', { name: 'Record cost' }).click();
    await costForm.getByText('Cost recorded.').waitFor();
    await review(manager, 'task');

    // The director's goal page, open all along, shows the new score: no reload (the marker survives).
    await waitFor(async () => (await score.textContent()) !== scoreBefore, {
      timeoutMs: 30_000,
      what: 'the new score on the open goal page',
    });
    expect(await director.evaluate('window.stillTheSamePage')).toBe(true);
    await director.locator('tr', { hasText: beta }).locator('.chip-in_progress').waitFor();
    // The forecast beside it follows too: the cost booked, and why there is no estimate yet (no work done).
    const forecast = director.locator('#goal-forecast');
    await forecast.getByText(/12,500\.00 spent so far/).waitFor({ timeout: 30_000 });
    await forecast.getByText(/Not forecast yet: .*no work done yet/).waitFor();
    // Since its first score (the goal is new): the manager's cost moved it, and the page says by how much and why.
    const goalNow = await api<{ score: number }>(director, `/api/metrics/v1/scores${goalPath}`);
    await director
      .locator('#goal-score')
      .getByTestId('score-since-summary')
      .getByText(new RegExp(`(Rose|Fell) [\\d.]+ points, [\\d.]+ → ${goalNow.body.score} \\(`))
      .waitFor();

    // What if the task slips three weeks and costs 20 % more? A projection beside today's figures; nothing changes.
    const whatIf = director.getByRole('form', { name: 'What if' });
    await selectByText(whatIf.getByLabel('Task'), beta);
    await whatIf.getByRole('button', { name: 'Simulate' }).click();
    const answer = director.getByTestId('what-if-answer');
    await answer.waitFor({ timeout: 30_000 });
    expect(await answer.textContent()).toContain('Nothing was changed');
    // Each change in words: the slip moves the due date three weeks.
    expect(await answer.locator('li').first().textContent()).toMatch(new RegExp(`"${beta}" due \\S+ → \\S+`));
    expect((await api<{ score: number }>(director, `/api/metrics/v1/scores${goalPath}`)).body.score).toBe(
      goalNow.body.score,
    );
    await review(director, 'goal-what-if');

    // What it serves: a share that leaves part of the goal unassigned is refused at the form; all of it to the launch is kept.
    await director.getByText('Change what it serves').click();
    const serves = director.getByRole('form', { name: 'Change what the goal serves' });
    await selectByText(serves.getByLabel('Goal 1', { exact: true }), 'Launch the X200 product line');
    await serves.getByLabel('Share of goal 1 (%)').fill('60');
    await serves.getByRole('button', { name: 'Save' }).click();
    await serves.getByText(/weights must sum to 100 \(they sum to 60\)/).waitFor();
    await serves.getByLabel('Share of goal 1 (%)').fill('100');
    await serves.getByRole('button', { name: 'Save' }).click();
    await director.getByRole('list', { name: 'Contributes to' }).getByText('100 % to').waitFor();
    const kept = await api<{ contributesTo: Array<{ title: string; weightPercent: number }> }>(
      director,
      `/api/strategy/v1${goalPath}/contributions`,
    );
    expect(kept.body.contributesTo).toEqual([
      { goalId: expect.any(String), title: 'Launch the X200 product line', weightPercent: 100 },
    ]);
    await review(director, 'goal-serves');

    // The other director pages and the manager's, reviewed.
    for (const [path, name] of [
      ['/alignment', 'alignment'],
      ['/managers', 'managers'],
      ['/history', 'history'],
    ] as const) {
      await director
        .getByRole('link', { name: name[0].toUpperCase() + name.slice(1) })
        .first()
        .click();
      await director.waitForURL(`${stack.url}${path}`);
      await review(director, name);
    }
    for (const [path, name] of [
      ['/my/key-results', 'key-results'],
      ['/my/score', 'my-score'],
    ] as const) {
      await manager.goto(`${stack.url}${path}`);
      await review(manager, name);
    }

    // A manager reaches neither director pages nor another manager's task, in the UI or the API.
    await manager.goto(`${stack.url}/overview`);
    await manager.getByRole('heading', { name: 'This page is not for you' }).waitFor({ timeout: 60_000 });
    await manager.goto(`${stack.url}${goalPath}`);
    await manager.getByRole('heading', { name: 'This page is not for you' }).waitFor({ timeout: 60_000 });
    const goalTasks = await api<{ items: Array<{ id: string; title: string }> }>(
      director,
      `/api/execution/v1/tasks?goalId=${goalPath.split('/').pop()}`,
    );
    const othersTask = goalTasks.body.items.find((candidate) => candidate.title === listing)!.id;
    expect([403, 404]).toContain((await api(manager, `/api/execution/v1/tasks/${othersTask}`)).status);
    await manager.goto(`${stack.url}/my/tasks/${othersTask}`);
    await manager.locator('.state-error').waitFor();
    expect(await manager.locator('main').textContent()).not.toContain('Record a cost');

    // Sign-out ends the session here and at the identity provider: the app is gone until the person signs in again.
    await manager.getByRole('button', { name: 'Sign out' }).click();
    await manager.waitForURL((url) => !url.href.startsWith(`${stack.url}/my/`));
    const confirm = manager.getByRole('button', { name: /yes|sign.?out/i });
    if (await confirm.count()) await confirm.first().click();
    expect((await manager.context().request.get(`${stack.url}/auth/session`)).status()).toBe(401);
    // The app answers at once and sends the person on to the identity provider's form. The page may already be on
    // its way there from the sign-out (its landing page asks to sign in), which interrupts this navigation: fine.
    await manager.goto(`${stack.url}/my/tasks`, { waitUntil: 'commit' }).catch((error: Error) => {
      if (!error.message.includes('interrupted by another navigation')) throw error;
    });
    await manager.getByLabel('Password').waitFor();
    expect(manager.url()).not.toContain(`${stack.url}/my/`);

    // Printed when it fails: which page, which rule, which elements.
    expect(violations).toEqual([]);
  }, 450_000);
});
