/**
 * The dashboard as its people meet it, in real Chromium (Debian's, as the browser tests drive it)
 * against the whole dashboard stack: the services, the identity provider, the backend-for-frontend
 * and the demo organisation, on this run's PostgreSQL and broker.
 *   first view  — a director signs in: from the click on the identity provider's "Sign in" to the
 *                 overview's score painted, in a fresh browser context (cold cache) each run; then
 *                 the overview opened again in that context (warm cache, session kept).
 *   live        — a manager's progress report, sent through the BFF as her dashboard sends it, to
 *                 the new score painted on the director's open goal page, while other updates run
 *                 at 50/s in the same organisation (the director's live stream carries those too).
 *   first route — the JavaScript the overview needs before it renders, gzipped, from the Vite build.
 * `npx tsx bench/dashboard.ts [--quick]`
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { apiClient, execution, metrics, strategy } from '@throughline/api-client';
import { buildDashboardIfStale, ensureChromium } from '@throughline/local-infra';
import { mintDevToken } from '@throughline/service-kit';
import { DashboardStack, DESKTOP, launchChromium, startDashboardStack } from '@throughline/testing';
import { DEMO_CURRENCY } from '../tools/demo/demo-story';
import { demoPerson } from '../tools/demo/demo-organisation';
import { SeededOrganisation, SeededTask } from './lib/org-seed';
import { BenchContext, runStandalone } from './lib/scenario';
import { ScoreWatch } from './lib/score-watch';
import { correlationId, pacedProgressUpdates, PacedRun } from './lib/task-updates';
import { round, sleep, summarize, Summary } from './lib/stats';

const root = resolve(__dirname, '..');
const DIST = join(root, 'dist/apps/dashboard');
const ORGANISATION_SCORE = '[data-testid="organisation-score"] .score-value';
const GOAL_SCORE = '[data-testid="goal-score"] .score-value';
/** The issue's targets. */
export const DASHBOARD_TARGETS = { firstViewMs: 1000, updateToScreenP95Ms: 1000, firstRouteGzipKb: 300 };

export interface FirstRouteJs {
  /** The entry and the overview's chunk with everything they import statically. */
  files: Array<{ file: string; kb: number; gzipKb: number }>;
  kb: number;
  gzipKb: number;
  /** All JavaScript of the build, every page. */
  allJsGzipKb: number;
}

export type DashboardResult =
  | { skipped: string }
  | {
      firstRouteJs: FirstRouteJs;
      firstView: {
        runs: number;
        /** Sign-in form submitted → the overview's score painted, new context (cold cache). */
        afterSignInMs: Summary;
        /** The overview opened again in the same context (warm cache). */
        warmMs: Summary;
      };
      live: {
        backgroundTargetRate: number;
        background: Omit<PacedRun, 'acceptedAt'>;
        updates: number;
        /** Update sent through the BFF → the new score painted on the director's open goal page. */
        updateToScreenMs: Summary;
        /** Of which: update sent → the BFF's answer. */
        httpMs: Summary;
        /** Update sent → the benchmark's consumer received metrics' score change (an upper bound of its publication). */
        updateToScoreEventMs: Summary;
        /** Score change received → painted: the BFF's live stream, the refetch, React (a lower bound). */
        scoreEventToScreenMs: Summary;
        /** Updates whose new score was not painted within 15 s. */
        unobserved: number;
      };
      stackStartSeconds: number;
      /** This scenario's own time and load: it may be run alone and merged into results.json. */
      measuredAt: string;
      loadAverage: number[];
    };

export async function dashboard(context: BenchContext): Promise<DashboardResult> {
  const { system, quick, log } = context;
  if (!system.databaseUrl)
    return { skipped: 'needs the PostgreSQL of the run (set BENCH_DATABASE_URL with a running system)' };
  try {
    ensureChromium();
  } catch (error) {
    return { skipped: (error as Error).message };
  }
  log('dashboard: building the single-page app and starting its stack (identity provider, services, BFF, demo)…');
  const started = Date.now();
  buildDashboardIfStale();
  const firstRouteJs = firstRouteJavaScript();
  log(`dashboard: first-route JavaScript ${firstRouteJs.gzipKb} kB gzipped (${firstRouteJs.kb} kB raw)`);
  const stack = await startDashboardStack({
    infrastructure: { databaseUrl: system.databaseUrl, kafkaBrokers: system.brokers },
  });
  const stackStartSeconds = round((Date.now() - started) / 1000, 0);
  const browser = await launchChromium();
  try {
    const firstView = await firstViews(browser, stack, quick ? 3 : 20);
    log(
      `dashboard: first view after sign-in p50 ${firstView.afterSignInMs.p50} ms, p95 ${firstView.afterSignInMs.p95} ms; warm p50 ${firstView.warmMs.p50} ms`,
    );
    const live = await liveUpdates(context, browser, stack, quick ? 5 : 30);
    log(
      `dashboard: update → director's screen at ${live.backgroundTargetRate}/s background (achieved ${live.background.achievedRate}/s): p50 ${live.updateToScreenMs.p50} ms, p95 ${live.updateToScreenMs.p95} ms, unobserved ${live.unobserved}`,
    );
    return {
      firstRouteJs,
      firstView,
      live,
      stackStartSeconds,
      measuredAt: new Date().toISOString(),
      loadAverage: loadavg().map((value) => round(value, 1)),
    };
  } finally {
    await browser.close();
    await stack.stop();
  }
}

/** What the browser must load before the overview renders: the entry, the overview's chunk, their static imports. */
export function firstRouteJavaScript(dist = DIST): FirstRouteJs {
  const manifestFile = join(dist, '.vite/manifest.json');
  if (!existsSync(manifestFile)) throw new Error(`no ${manifestFile}: build the dashboard first`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<
    string,
    { file: string; imports?: string[] }
  >;
  const needed = new Set<string>();
  const visit = (key: string) => {
    if (needed.has(key)) return;
    if (!manifest[key]) throw new Error(`the dashboard's build manifest has no ${key}`);
    needed.add(key);
    for (const imported of manifest[key].imports ?? []) visit(imported);
  };
  visit('index.html');
  visit('src/organisation/overview-page.tsx');
  const sizeOf = (file: string) => {
    const bytes = readFileSync(join(dist, file));
    return { file, kb: round(bytes.length / 1024, 1), gzipKb: round(gzipSync(bytes).length / 1024, 1) };
  };
  const files = [...needed].map((key) => sizeOf(manifest[key].file)).filter(({ file }) => file.endsWith('.js'));
  const allJs = [...new Set(Object.values(manifest).map((entry) => entry.file))].filter((file) => file.endsWith('.js'));
  return {
    files,
    kb: round(
      files.reduce((sum, file) => sum + file.kb, 0),
      1,
    ),
    gzipKb: round(
      files.reduce((sum, file) => sum + file.gzipKb, 0),
      1,
    ),
    allJsGzipKb: round(
      allJs.reduce((sum, file) => sum + sizeOf(file).gzipKb, 0),
      1,
    ),
  };
}

/**
 * A browser context whose pages record in `__paints` each new text of the score at `selector`,
 * with the wall-clock time of the frame that paints it (the benchmark's clock is the same one).
 * Plain script text: it runs in the page, and this project compiles without the DOM's types.
 */
async function contextWatching(browser: Browser, selector: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB' });
  await context.addInitScript({
    content: `(() => {
      window.__paints = [];
      let last;
      new MutationObserver(() => {
        const text = document.querySelector(${JSON.stringify(selector)})?.textContent;
        if (!text || text === last) return;
        last = text;
        requestAnimationFrame(() => window.__paints.push({ text, at: Date.now() }));
      }).observe(document, { childList: true, subtree: true, characterData: true });
    })();`,
  });
  return context;
}

/**
 * When the watched score was first painted with a text other than `before`, at or after `since`
 * (undefined: not within the time). Polled from here: the page's Content-Security-Policy refuses the
 * string evaluation waitForFunction would need, and the time is the page's own record, not the poll's.
 */
async function paintedAfter(
  page: Page,
  since: number,
  before: string | undefined,
  timeoutMs: number,
): Promise<{ text: string; at: number } | undefined> {
  const probe = `window.__paints?.find((paint) => paint.at >= ${since} && paint.text !== ${JSON.stringify(before ?? null)})`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const painted = (await page.evaluate(probe).catch(() => undefined)) as { text: string; at: number } | undefined;
    if (painted) return painted;
    await sleep(25);
  }
  return undefined;
}

/** What the paint recorder saw, for an error message: was the score's text changed but no frame painted, or never changed? */
async function paintRecord(page: Page): Promise<string> {
  const probe = `({ text: document.querySelector(${JSON.stringify(GOAL_SCORE)})?.textContent, visibility: document.visibilityState, paints: (window.__paints ?? []).slice(-3) })`;
  const record = await page.evaluate(probe).catch((error: Error) => error.message);
  return `the page: ${JSON.stringify(record)}`;
}

/** What the page shows, for an error message. */
async function shown(page: Page): Promise<string> {
  const text = await page
    .locator('body')
    .innerText()
    .catch((error: Error) => error.message);
  return `${page.url()}: ${text.slice(0, 1500)}`;
}

/**
 * Fills in the identity provider's form, where the app sends whoever is not signed in; returns
 * when it was submitted. The wait for the form is not measured, so it is generous: on a busy
 * machine the run's first sign-in waits for the provider's first answers.
 */
async function submitSignIn(page: Page, person: { email: string; password: string }): Promise<number> {
  const email = page.getByLabel('E-mail');
  await email.waitFor({ timeout: 90_000 }).catch(async (error: Error) => {
    throw new Error(`the sign-in form did not show (${error.message.split('\n')[0]}):\n${await shown(page)}`);
  });
  await email.fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  const submitted = Date.now();
  await page.getByRole('button', { name: 'Sign in' }).click();
  return submitted;
}

async function firstViews(browser: Browser, stack: DashboardStack, runs: number) {
  const director = demoPerson('dana');
  const afterSignIn: number[] = [];
  const warm: number[] = [];
  for (let run = 0; run < runs; run++) {
    const context = await contextWatching(browser, ORGANISATION_SCORE);
    try {
      const page = await context.newPage();
      await page.goto(`${stack.url}/overview`);
      const submitted = await submitSignIn(page, director);
      const cold = await paintedAfter(page, submitted, undefined, 30_000);
      if (!cold)
        throw new Error(`the overview did not show its score within 30 s of signing in:\n${await shown(page)}`);
      afterSignIn.push(cold.at - submitted);
      const navigated = Date.now();
      await page.goto(`${stack.url}/overview`, { waitUntil: 'commit' });
      const again = await paintedAfter(page, navigated, undefined, 30_000);
      if (!again)
        throw new Error(`the overview did not show its score within 30 s when opened again:\n${await shown(page)}`);
      warm.push(again.at - navigated);
    } finally {
      await context.close();
    }
  }
  return { runs, afterSignInMs: summarize(afterSignIn), warmMs: summarize(warm) };
}

/** The people of the demo organisation with development tokens, straight to the services (set-up only). */
async function clientsOf(stack: DashboardStack, key: 'dana' | 'max') {
  const person = demoPerson(key);
  const token = await mintDevToken({ personId: person.id, orgId: stack.organisation.id, role: person.role });
  return {
    id: person.id,
    token,
    strategy: apiClient({ baseUrl: stack.serviceUrls.strategy, token }),
    execution: apiClient({ baseUrl: stack.serviceUrls.execution, token }),
    metrics: apiClient({ baseUrl: stack.serviceUrls.metrics, token }),
  };
}

async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>, what: string): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw new Error(`${what} answered ${response.status}: ${JSON.stringify(error)}`);
  return data as T;
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

type Person = Awaited<ReturnType<typeof clientsOf>>;

/** A new active goal of Dana's whose one deliverable is Mia's task; resolves once execution made the task and metrics scored the goal. */
async function measuredGoal(dana: Person): Promise<{ goalId: string; task: execution.TaskView }> {
  const me = await ok(strategy.peopleMe({ client: dana.strategy }), 'reading the director');
  const goal = await ok(
    strategy.goalsCreate({
      client: dana.strategy,
      body: {
        title: `Benchmark goal ${Date.now().toString(36)}`,
        ownerId: dana.id,
        orgUnitId: me.person.orgUnitId!,
        periodStart: day(-14),
        periodEnd: day(76),
        budget: { currency: DEMO_CURRENCY, amountMinor: 3_000_000 },
      },
    }),
    'creating the measured goal',
  );
  await ok(
    strategy.deliverablesAdd({
      client: dana.strategy,
      path: { goalId: goal.id },
      body: {
        title: 'Benchmark deliverable',
        managerId: demoPerson('mia').id,
        // Due already: all its value is planned by now, so each progress report moves the schedule component.
        dueDate: day(-2),
        budgetMinor: 3_000_000,
      },
    }),
    'adding the deliverable',
  );
  const draft = await ok(strategy.goalsGet({ client: dana.strategy, path: { goalId: goal.id } }), 'reading the goal');
  await ok(
    strategy.goalsActivate({
      client: dana.strategy,
      path: { goalId: goal.id },
      headers: { 'If-Match': `"${draft.version}"` },
    }),
    'activating the goal',
  );
  const task = await until(async () => {
    const tasks = await ok(
      execution.tasksList({ client: dana.execution, query: { goalId: goal.id } }),
      "listing the goal's tasks",
    );
    return tasks.items[0];
  }, 'execution making the deliverable a task');
  await until(async () => {
    const { response } = await metrics.scoresOne({ client: dana.metrics, path: { scopes: 'goals', id: goal.id } });
    return response.ok ? true : undefined;
  }, 'metrics scoring the goal');
  return { goalId: goal.id, task };
}

/** Max's own tasks, linked to his goal: the background load (one update in flight per task, so enough of them for 50/s). */
async function backgroundOrganisation(stack: DashboardStack, max: Person, count: number): Promise<SeededOrganisation> {
  const own = await ok(execution.tasksList({ client: max.execution, query: { limit: 200 } }), "listing Max's tasks");
  const goalId = own.items.find((task) => task.goalId && task.status !== 'done')?.goalId;
  if (!goalId) throw new Error('Max has no open task linked to a goal in the demo organisation');
  const tasks: SeededTask[] = [];
  for (let index = 0; index < count; index++) {
    const task = await ok(
      execution.tasksCreate({
        client: max.execution,
        body: {
          title: `Background work ${index + 1}`,
          linkedGoalId: goalId,
          dueDate: day(20),
          plannedCostMinor: 100_000,
          currency: DEMO_CURRENCY,
        },
      }),
      'adding a background task',
    );
    tasks.push({ id: task.id, goalId, managerId: max.id, version: task.version, progress: task.progress });
  }
  return {
    orgId: stack.organisation.id,
    directorId: demoPerson('dana').id,
    directorToken: '',
    managers: [max.id],
    tokens: new Map([[max.id, max.token]]),
    goals: [goalId],
    tasks,
  };
}

/** Signs `key` in through the identity provider's form in a context of its own. */
async function signedIn(context: BrowserContext, stack: DashboardStack, key: 'dana' | 'mia', path: string) {
  const person = demoPerson(key);
  const page = await context.newPage();
  await page.goto(`${stack.url}${path}`);
  await submitSignIn(page, person);
  await page.waitForURL(`${stack.url}${path}`);
  return page;
}

const BACKGROUND_RATE = 50;

async function liveUpdates(context: BenchContext, browser: Browser, stack: DashboardStack, updates: number) {
  const { system, log } = context;
  const [dana, max] = await Promise.all([clientsOf(stack, 'dana'), clientsOf(stack, 'max')]);
  const { goalId, task } = await measuredGoal(dana);
  const org = await backgroundOrganisation(stack, max, 40);

  const directorContext = await contextWatching(browser, GOAL_SCORE);
  const managerContext = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB' });
  const watch = new ScoreWatch(system, stack.kafkaTopicPrefix);
  const stopLoad = new AbortController();
  let load: Promise<PacedRun> | undefined;
  try {
    const director = await signedIn(directorContext, stack, 'dana', `/goals/${goalId}`);
    // The manager's page: her updates are sent from it, through the BFF with the session's CSRF token, as her dashboard sends them.
    const manager = await signedIn(managerContext, stack, 'mia', '/my/tasks');
    const { csrfToken } = (await manager.evaluate(`fetch('/auth/session').then((response) => response.json())`)) as {
      csrfToken: string;
    };
    await watch.start();

    load = pacedProgressUpdates(
      stack.serviceUrls.execution,
      org,
      BACKGROUND_RATE,
      3_600_000,
      'dash-bg',
      stopLoad.signal,
    );
    // Into the steady state before the first measurement.
    await sleep(2_000);
    let version = task.version;
    const toScreen: number[] = [];
    const http: number[] = [];
    const toEvent: number[] = [];
    const eventToScreen: number[] = [];
    let unobserved = 0;
    for (let index = 0; index < updates; index++) {
      const before = await director
        .locator(GOAL_SCORE)
        .textContent({ timeout: 10_000 })
        .catch(async (error: Error) => {
          log(
            `dashboard: no score on the director's page before update ${index + 1} (${error.message.split('\n')[0]}); it shows:\n${await shown(director)}`,
          );
          return undefined;
        });
      if (before === undefined) {
        unobserved++;
        continue;
      }
      const correlation = correlationId('dash');
      // Timed in her page (the clock is the same one): Chromium's own connection handling, not a test client's.
      const { sent, answered, status, body } = (await manager.evaluate(`(async () => {
        const sent = Date.now();
        const response = await fetch('/api/execution/v1/tasks/${task.id}/progress', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-csrf-token': ${JSON.stringify(csrfToken)},
            'if-match': '"${version}"',
            'x-correlation-id': '${correlation}',
          },
          // Far apart, so each report moves the goal's score.
          body: JSON.stringify({ progress: ${index % 2 === 0 ? 90 : 10} }),
        });
        return { sent, answered: Date.now(), status: response.status, body: await response.text() };
      })()`)) as { sent: number; answered: number; status: number; body: string };
      if (status >= 300) throw new Error(`the manager's update answered ${status}: ${body}`);
      version = (JSON.parse(body) as { version: number }).version;
      const painted = await paintedAfter(director, sent, before ?? undefined, 15_000);
      http.push(answered - sent);
      // The benchmark's own consumer may hear of the score change after the page did.
      await watch.waitFor([correlation], 5_000);
      const event = watch.reflectedAt(correlation);
      if (event !== undefined) toEvent.push(event - sent);
      if (!painted) {
        unobserved++;
        log(
          `dashboard: update ${index + 1} not painted within 15 s (score event ${event === undefined ? 'not seen' : `after ${event - sent} ms`}; ${await paintRecord(director)}); the page shows:\n${(await shown(director)).slice(0, 600)}`,
        );
        continue;
      }
      toScreen.push(painted.at - sent);
      if (event !== undefined) eventToScreen.push(painted.at - event);
      // Apart, so one measurement's refetches are not the next one's.
      await sleep(300 + Math.random() * 400);
    }
    stopLoad.abort();
    const { acceptedAt: _, ...background } = await load;
    log(`dashboard: background load ${background.accepted} updates at ${background.achievedRate}/s`);
    return {
      backgroundTargetRate: BACKGROUND_RATE,
      background,
      updates,
      updateToScreenMs: summarize(toScreen),
      httpMs: summarize(http),
      updateToScoreEventMs: summarize(toEvent),
      scoreEventToScreenMs: summarize(eventToScreen),
      unobserved,
    };
  } finally {
    stopLoad.abort();
    await load?.catch(() => undefined);
    await watch.stop().catch(() => undefined);
    await directorContext.close();
    await managerContext.close();
  }
}

if (require.main === module) runStandalone('dashboard', dashboard);
