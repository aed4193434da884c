/* The short markdown page written next to results.json: the figures in tables, the machine and the commands. */
import { round } from './stats';
import { targetsSection } from './targets';

type Json = any; // the report is read back from its own JSON

const cell = (value: unknown) =>
  value === null || value === undefined
    ? '–'
    : typeof value === 'number'
      ? value.toLocaleString('en', { maximumFractionDigits: 2 })
      : String(value);
const row = (values: unknown[]) => `| ${values.map(cell).join(' | ')} |`;
const table = (header: string[], rows: unknown[][]) =>
  [row(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(row)].join('\n');

export function renderMarkdown(report: Json, findings?: string): string {
  const fresh = report.freshness;
  const through = report.throughput;
  const raw = report.baselines;
  const sections = [
    `# Benchmarks`,
    '',
    `Measured ${report.measuredAt} with \`${report.command}\` (${report.wallSeconds} s${report.quick ? ', quick mode: short runs, not for comparison' : ''}). Every figure below comes from that one run: the system and the raw baselines side by side on the same PostgreSQL and broker.`,
    '',
    `**Machine:** ${report.machine.cpu}, ${report.machine.memoryGb} GB, ${report.machine.platform}; load average ${report.machine.loadAverageBefore.join(' / ')} before and ${report.machine.loadAverageAfter.join(' / ')} after (1/5/15 min; other work shared the machine, so absolute figures are pessimistic — the ratios to the raw parts are the robust part). **Versions:** Node ${report.versions.node}, Apache Kafka ${report.versions.kafka} (KRaft, one node), PostgreSQL ${report.versions.postgres}.`,
    '',
    '**Commands:** `npm run bench` (all of it, about 20 minutes on 2 cores) · `npm run bench:quick` (short runs, what CI runs via bench/bench-smoke.spec.ts) · one scenario: `npx tsx bench/<freshness|throughput|baselines|accept-path|api-latency|http-floor|scaling|hot-path-profile|metrics-drain|metrics-rebuild|operations-overhead|dashboard|plan-import|notification-digest|commit-notify|statements-per-update>.ts [--quick]` · `npm run bench:metrics-update-cost`. To use a running system instead of starting one: `BENCH_EXECUTION_URL`, `BENCH_METRICS_URL`, `BENCH_KAFKA_BROKERS`, `BENCH_TOPIC_PREFIX`, `BENCH_DATABASE_URL` (scaling, profiling and the operations overhead need the system the benchmark starts). Full JSON: [benchmarks/results.json](benchmarks/results.json).',
    '',
    targetsSection(report),
    '',
    `## Freshness: manager's update answered → score changed event (${fresh.durationSeconds} s per rate${fresh.minimumUpdates ? `, longer where that is fewer than ${fresh.minimumUpdates} updates` : ''})`,
    '',
    table(
      [
        'target /s',
        'achieved /s',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'update HTTP p50 ms',
        'not sent (256 in flight)',
        'unobserved',
        'metrics lag at end',
        'lag → 0 after ms',
      ],
      fresh.rates.map((rate: Json) => [
        rate.targetRate,
        rate.achievedRate,
        rate.freshnessMs.p50,
        rate.freshnessMs.p95,
        rate.freshnessMs.p99,
        rate.httpLatencyMs.p50,
        rate.skippedAllTasksBusy,
        rate.unobserved,
        rate.metricsLagAtEnd,
        rate.lagToZeroMs,
      ]),
    ),
    '',
    "Where the time goes, p50 / p99 ms per hop, over the updates whose own score change was seen (Kafka record timestamps and the score event's time, one clock):",
    '',
    table(
      [
        'target /s',
        'traced',
        'answered → task event sent',
        '→ applied (score event time)',
        '→ score event sent',
        '→ received',
      ],
      fresh.rates
        .filter((rate: Json) => rate.hopsMs)
        .map((rate: Json) => [
          rate.targetRate,
          rate.hopsMs.taskEventSentToScored.count,
          ...[
            'answeredToTaskEventSent',
            'taskEventSentToScored',
            'scoredToScoreEventSent',
            'scoreEventSentToReceived',
          ].map((hop) => `${cell(rate.hopsMs[hop].p50)} / ${cell(rate.hopsMs[hop].p99)}`),
        ]),
    ),
    ...freshnessCpu(fresh.rates),
    '',
    '## Ingest throughput and the raw baselines',
    '',
    table(
      ['', 'per second', 'p50 ms', 'p99 ms', 'note'],
      [
        [
          'execution: progress updates accepted (autocannon, closed loop)',
          through.acceptedPerSecond,
          through.latencyMs.p50,
          through.latencyMs.p99,
          `${through.connections} connections; outbox empty ${through.outboxDrainedAfterMs} ms after; metrics lag ${through.metricsLagAtEnd} → 0 after ${cell(through.metricsLagZeroAfterMs)} ms (keeps up within 2 s: ${through.metricsKeepsUp ? 'yes' : 'no'})`,
        ],
        [
          'raw PostgreSQL: row update + outbox row per transaction',
          raw.postgres.transactionsPerSecond,
          raw.postgres.latencyMs.p50,
          raw.postgres.latencyMs.p99,
          `${raw.postgres.connections} concurrent, pool of ${raw.postgres.poolSize}`,
        ],
        [
          'raw kafkajs: produce → consume, one hop',
          raw.kafka.rate,
          raw.kafka.produceToConsumeMs.p50,
          raw.kafka.produceToConsumeMs.p99,
          `${raw.kafka.messages} messages at a steady rate`,
        ],
      ],
    ),
    '',
    `**Ratios (ours ÷ raw, same run):** freshness p50 at ${fresh.rates[0].targetRate}/s (no queueing) is ${cell(report.ratios.freshnessP50OverKafkaHopP50)}× one Kafka hop's p50 (p99: ${cell(report.ratios.freshnessP99OverKafkaHopP99)}×; our path is two hops plus two transactions and the relay); raw PostgreSQL commits ${cell(report.ratios.rawPostgresTxPerSecondOverAcceptedUpdatesPerSecond)}× the updates per second execution accepts, and an update's p50 is ${cell(report.ratios.updateLatencyP50OverRawTransactionP50)}× the raw transaction's.`,
    '',
    '## API latency under load (autocannon, metrics service)',
    '',
    table(
      ['endpoint', 'connections', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx'],
      report.apiLatency.map((entry: Json) => [
        entry.endpoint,
        entry.connections,
        entry.requestsPerSecond,
        entry.p50,
        entry.p99,
        entry.non2xx,
      ]),
    ),
    '',
    '## Scaling with the size of one organisation',
    '',
    `Startup to ready (ms, one at a time, empty): ${Object.entries(report.startupMs)
      .map(([service, ms]) => `${service} ${cell(ms)}`)
      .join(', ')}.`,
    '',
    table(
      [
        'tasks',
        'read models built by',
        'events',
        'full replay-rebuild s',
        'replayed events/s',
        'metrics startup ms',
        'metrics RSS MB, organisation held (heap used; memory entries)',
        'metrics RSS MB after the updates',
        'one update p50 ms (publish → score event)',
        'p95 ms',
        'burst ms/update',
      ],
      report.scaling.map((point: Json) => [
        point.tasks,
        point.alternated ? `${point.seededBy} (single updates alternated)` : point.seededBy,
        point.events,
        point.rebuildSeconds,
        point.rebuildEventsPerSecond,
        point.metricsStartupMs,
        point.held
          ? `${cell(point.held.rssMb)} (${cell(point.held.heapUsedMb)}; ${cell(point.held.memoryEntries)})`
          : '–',
        point.metricsRssMbAfterUpdates,
        point.singleUpdateMs.p50,
        point.singleUpdateMs.p95,
        point.burstMsPerUpdate,
      ]),
    ),
    '',
    acceptPath(report.acceptPath),
    '',
    metricsUpdateCost(report.metricsUpdateCost),
    '',
    metricsDrain(report.metricsDrain),
    '',
    metricsRebuild(report.metricsRebuild),
    '',
    dashboard(report.dashboard),
    '',
    '## Where the time goes (CPU profile of the hot path)',
    '',
    profile(report.hotPathProfile),
    '',
    httpFloor(report.httpFloor),
    '',
    operationsOverhead(report.operationsOverhead),
    '',
    planImport(report.planImport),
    '',
    notificationDigest(report.notificationDigest),
    '',
    simulation(report.simulation),
    '',
    measurementIngest(report.measurementIngest),
    '',
    ...(findings ? [findings.trim(), ''] : []),
  ];
  return sections.join('\n');
}

function acceptPath(accept: Json): string {
  const title = "## Execution's accept path beside raw PostgreSQL (`bench/accept-path.ts`)";
  if (!accept || accept.skipped) return `${title}\n\nNot in this run.`;
  return [
    title,
    '',
    `Rounds alternate raw PostgreSQL "task row + outbox row" transactions and execution's closed-loop progress updates at the same concurrency (${accept.connections} connections, ${accept.secondsPerRun} s each), each round once metrics has caught up.`,
    '',
    table(
      [
        'round',
        'raw tx/s',
        'execution updates/s',
        'accepted ÷ raw',
        'execution p50 ms',
        'execution CPU ms per update',
        'downstream paused: updates/s',
        'paused: ÷ raw',
        'load',
      ],
      accept.rounds.map((entry: Json, index: number) => [
        index + 1,
        entry.rawTransactionsPerSecond,
        entry.acceptedPerSecond,
        entry.acceptedOverRaw,
        entry.acceptedP50Ms,
        entry.executionCpuMsPerUpdate,
        entry.aloneAcceptedPerSecond ?? '–',
        entry.aloneOverRaw ?? '–',
        entry.loadAverage,
      ]),
    ),
    '',
    `Medians: raw ${cell(accept.medians.rawTransactionsPerSecond)} tx/s, execution ${cell(accept.medians.acceptedPerSecond)} updates/s, **accepted ÷ raw ${cell(accept.medians.acceptedOverRaw)}** (target ≥ 0.5), ${cell(accept.medians.executionCpuMsPerUpdate)} ms of execution's CPU per update. With the services downstream of execution paused (SIGSTOP, as if they ran on machines of their own): ${cell(accept.medians.aloneAcceptedPerSecond)} updates/s, ${cell(accept.medians.aloneOverRaw)} of raw.`,
    ...(accept.cpuMsPerAcceptedUpdate ? ['', machineCpu(accept)] : []),
  ].join('\n');
}

/**
 * The machine's CPU per update at each rate, by part: at a low rate mostly what every service and
 * the broker spend per event however few arrive, at a high one how near the cores are to full.
 */
function freshnessCpu(rates: Json[]): string[] {
  const measured = rates.filter((rate) => rate.cpuMsPerUpdate);
  if (measured.length === 0) return [];
  const parts = Object.keys(measured[measured.length - 1].cpuMsPerUpdate).filter((part) => part !== 'whole machine');
  return [
    '',
    "The machine's CPU while each rate ran (every process on it, from /proc), in milliseconds per update, and how busy its cores were:",
    '',
    table(
      ['part', ...measured.map((rate) => `${cell(rate.targetRate)}/s`)],
      [
        ...[...parts, 'whole machine'].map((part) => [part, ...measured.map((rate) => rate.cpuMsPerUpdate[part] ?? 0)]),
        ['cores busy', ...measured.map((rate) => `${Math.round(rate.machineBusyShare * 100)}%`)],
      ],
    ),
  ];
}

/** Where the machine's CPU went on each side (medians of the rounds): the machine is the limit of both. */
function machineCpu(accept: Json): string {
  const raw: Record<string, number> = accept.cpuMsPerRawTransaction;
  const ours: Record<string, number> = accept.cpuMsPerAcceptedUpdate;
  const alone: Record<string, number> = accept.cpuMsPerAloneUpdate ?? {};
  const parts = Object.keys(ours).filter((part) => part !== 'whole machine');
  for (const part of [...Object.keys(raw), ...Object.keys(alone)])
    if (!parts.includes(part) && part !== 'whole machine') parts.push(part);
  return [
    "The machine's CPU (every process on it, from /proc; each service's PostgreSQL backends told apart by their connections' application name), in milliseconds:",
    '',
    table(
      ['part', 'per raw transaction', 'per accepted update', 'per update, downstream paused'],
      [...parts, 'whole machine'].map((part) => [part, raw[part] ?? 0, ours[part] ?? 0, alone[part] ?? '–']),
    ),
  ].join('\n');
}

function metricsUpdateCost(cost: Json): string {
  if (!cost || cost.skipped || cost.failed)
    return `In-process cost of one update (bench/metrics-update-cost.ts): ${cost?.skipped ?? cost?.failed ?? 'not run'}.`;
  // Reports written before the held updates were measured have only the first-touch figures.
  const rows = cost.results.flatMap((entry: Json) =>
    [
      ['first touch', entry],
      ['held', entry.held],
    ]
      .filter(([, figures]) => figures)
      .map(([tasksAre, figures]) => [
        entry.tasks,
        tasksAre,
        figures.alone.medianMs,
        figures.alone.p90Ms,
        figures.alone.statementsPerUpdate,
        figures.queued.medianMs,
        figures.queued.statementsPerUpdate,
      ]),
  );
  return [
    `In-process cost of one update through metrics (inbox, handler, incremental facts, rescoring, outbox; read models seeded with SQL; \`bench/metrics-update-cost.ts\`), one update per transaction (an idle consumer) and ${cost.updatesPerQueuedTransaction} per transaction (a consumer with a queue). "First touch": each update on a task not touched before, which the instance loads first (at 100,000 tasks also its goal and manager); "held": updates on tasks already touched, as with an organisation held in memory. One update alone at 100,000 ÷ 1,000 tasks: ${cost.medianRatio} held, ${cost.firstTouchMedianRatio ?? '–'} first touch.`,
    '',
    table(
      [
        'tasks',
        'tasks are',
        'alone: median ms',
        'alone: p90 ms',
        'alone: SQL statements',
        'queued: median ms',
        'queued: SQL statements',
      ],
      rows,
    ),
  ].join('\n');
}

export function dashboard(result: Json): string {
  if (!result || result.skipped)
    return `The dashboard in Chromium (bench/dashboard.ts): ${result?.skipped ?? 'not run'}.`;
  const { firstView, live, firstRouteJs } = result;
  const ms = (summary: Json) => [...[summary.p50, summary.p95, summary.max].map(Math.round), summary.count];
  return [
    `## The dashboard in Chromium (\`bench/dashboard.ts\`)`,
    '',
    `Debian's Chromium through playwright-core against the dashboard's stack (services, identity provider, backend-for-frontend, the demo organisation; ${cell(result.stackStartSeconds)} s to build and start), as the director Dana and the manager Mia. Times run to the frame that paints the score. Finished ${result.measuredAt} (load average ${result.loadAverage?.join(' / ')}).`,
    '',
    table(
      ['', 'target', 'p50 ms', 'p95 ms', 'max ms', 'runs'],
      [
        [
          'first view: "Sign in" submitted → overview score painted (new browser, cold cache)',
          '≤ 1,000 ms',
          ...ms(firstView.afterSignInMs),
        ],
        ['overview opened again (warm cache, same session)', '', ...ms(firstView.warmMs)],
        [
          `manager's progress report (through the BFF) → new score on the director's open goal page, ${live.backgroundTargetRate}/s other updates (achieved ${cell(live.background.achievedRate)}/s)`,
          '≤ 1,000 ms at p95',
          ...ms(live.updateToScreenMs),
        ],
        ['… of which: report sent → BFF answered', '', ...ms(live.httpMs)],
        [
          '… of which: report sent → score-changed event (as the benchmark’s consumer receives it)',
          '',
          ...ms(live.updateToScoreEventMs),
        ],
        [
          '… of which: score-changed event → painted (live stream, refetch, render; a lower bound, negative when the page heard first)',
          '',
          ...ms(live.scoreEventToScreenMs),
        ],
      ],
    ),
    '',
    `Updates whose new score was not painted within 15 s: ${cell(live.unobserved)} of ${cell(live.updates)}. **First-route JavaScript** (the entry and the overview's chunk with their static imports, from the Vite build's manifest): ${cell(firstRouteJs.gzipKb)} kB gzipped (${cell(firstRouteJs.kb)} kB raw; target ≤ 300 kB gzipped) — ${firstRouteJs.files.map((file: Json) => `${file.file} ${cell(file.gzipKb)} kB`).join(', ')}; all pages' JavaScript ${cell(firstRouteJs.allJsGzipKb)} kB gzipped.`,
  ].join('\n');
}

function metricsDrain(drain: Json): string {
  if (!drain || drain.skipped)
    return `Metrics' backlog drain (bench/metrics-drain.ts): ${drain?.skipped ?? 'not run'}.`;
  return [
    `## Metrics' sustained apply rate: a backlog of progress reports drained (\`bench/metrics-drain.ts\`)`,
    '',
    table(
      [
        'organisations',
        'metrics instances',
        'tasks',
        'reports',
        'drained in s',
        'events/s',
        'SQL statements per report',
      ],
      drain.points.map((point: Json) => [
        point.organisations,
        point.turns
          ? `${point.instances}, in turns (${point.turns.map((turn: Json) => `${cell(turn.work.appliedEvents)} in ${cell(turn.seconds)} s`).join(', then ')})`
          : point.instances,
        point.tasks,
        point.updates,
        point.drainSeconds,
        point.eventsPerSecond,
        point.statementsPerEvent,
      ]),
    ),
    '',
    `Plain kafkajs consumer on the same broker and database (parse, validate, one upsert per fetched batch): ${cell(drain.plainConsumer.eventsPerSecond)} events/s. **Ratios (same run):** metrics ÷ plain consumer ${cell(drain.oneOrganisationToPlain)} (one organisation, one instance); two instances ÷ one, 20 organisations ${cell(drain.twoInstancesSpeedUp)}.`,
    ...(drain.twoInstancesOwnCores
      ? [
          '',
          `**Two instances with a core each, drained in turns** (20 organisations): both instances hold the partitions the group gives them, the backlog is published while both are frozen, and each is woken alone to drain its own, with the machine to itself; side by side on a core each, the longer turn would bound the drain. Alternated with one instance, ${drain.twoInstancesOwnCores.rounds.length} rounds: ${drain.twoInstancesOwnCores.rounds.map((entry: Json) => `${entry.turnsCovered < 1 ? `not counted, the turns applied only ${cell(entry.turnsCovered)} of the reports: ` : ''}one instance ${cell(entry.oneInstanceSeconds)} s, the turns ${entry.turnSeconds.map(cell).join(' and ')} s: ${cell(entry.speedUp)}× (the longer turn applied ${cell(entry.busierInstanceShare)} of the reports, so at most ${cell(entry.balanceCeiling)}×, and drained them at ${cell(entry.memberEfficiency)} of one instance's rate; PostgreSQL would use ${cell(entry.postgresCores)} cores, the broker ${cell(entry.brokerCores)})`).join('; ')}. **Median ${cell(drain.twoInstancesOwnCores.speedUp)}×.**`,
        ]
      : []),
  ].join('\n');
}

function metricsRebuild(rebuild: Json): string {
  const title = `## Metrics' online rebuild beside a running instance (\`bench/metrics-rebuild.ts\`)`;
  if (!rebuild || rebuild.skipped) return `${title}\n\n${rebuild?.skipped ?? 'Not run.'}`;
  return [
    title,
    '',
    table(
      [
        'events',
        'instance applied at /s',
        'rebuilt at /s',
        'rebuild s',
        'plain consumer /s',
        'rebuild ÷ plain',
        'applying paused ms',
        'reports during',
        'inbox rows per event',
      ],
      [
        [
          rebuild.events,
          rebuild.liveEventsPerSecond,
          rebuild.rebuildEventsPerSecond,
          rebuild.rebuildSeconds,
          rebuild.plainConsumerEventsPerSecond,
          rebuild.rebuildToPlain,
          rebuild.pausedMs,
          rebuild.reportsDuringRebuild,
          rebuild.inboxRowsPerEvent,
        ],
      ],
    ),
    '',
    `Target: 1,000,000 events in 2 minutes (${cell(rebuild.targetEventsPerSecond)} events/s); \`npx tsx bench/metrics-rebuild.ts --events 1000000\` runs that size. Per event rebuilt: ${cell(rebuild.statementsPerEvent)} SQL statements and ${cell(rebuild.cpuMsPerEvent)} ms of the rebuild process's CPU. Its profile: ${cell(rebuild.profile?.busyMs)} ms busy, ${cell(rebuild.profile?.idleMs)} ms idle (waiting on PostgreSQL and Kafka); busy time by package: ${(rebuild.profile?.top ?? []).map((share: Json) => `${share.what} ${cell(share.percentOfBusy)}%`).join(', ')}.`,
  ].join('\n');
}

/** A plan spreadsheet through the strategy service (bench/plan-import.ts). */
export function planImport(result: Json): string {
  const title = '## A plan from a spreadsheet (`bench/plan-import.ts`)';
  if (!result || result.skipped) return `${title}\n\n${result?.skipped ?? 'Not run.'}`;
  return [
    title,
    '',
    `A CSV of ${result.rows} rows (${result.fileKb} kB: goals, each with three key results, five deliverables and a budget allocation) posted to \`POST /v1/plan/imports\`: dry run ${cell(result.dryRunSeconds)} s, commit ${cell(result.commitSeconds)} s (${cell(result.rowsPerSecond)} rows/s, every row through the API's rules and events, all or nothing; ${cell(result.commitStatements)} SQL statements in all, ${cell(result.commitStatementsPerRow)} a row, ${cell(result.dryRunStatements)} in the dry run), the same file again ${cell(result.sameFileAgainSeconds)} s (found imported, nothing written). Target: 10,000 rows ≤ 30 s (the default size; \`--rows 1000\` for a smaller file).`,
  ].join('\n');
}

/** A director's weekly digest of a large organisation (bench/notification-digest.ts). */
export function notificationDigest(result: Json): string {
  const title = "## A director's weekly digest of 1,000 goals (`bench/notification-digest.ts`)";
  if (!result || result.skipped) return `${title}\n\n${result?.skipped ?? 'Not run.'}`;
  return [
    title,
    '',
    `An organisation of ${result.goals} active goals (each scored a week ago and today), its own score and 50 alerts of the week, fed to the integrations service as ${result.events} events; ${result.directors} directors each ask for this week's digest (\`POST /v1/notifications/digests\`: read, rendered as HTML and text, queued), read back from a real SMTP server.`,
    '',
    '| | p50 ms | p95 ms | max ms | digests |',
    '|---|---|---|---|---|',
    `| built and queued (request → answer) | ${cell(result.buildMs.p50)} | ${cell(result.buildMs.p95)} | ${cell(result.buildMs.max)} | ${result.buildMs.count} |`,
    `| in the inbox (request → received by the SMTP server) | ${cell(result.deliveredMs.p50)} | ${cell(result.deliveredMs.p95)} | ${cell(result.deliveredMs.max)} | ${result.deliveredMs.count} |`,
    '',
    `The largest digest: ${cell(result.mailKb)} kB of HTML and text (it names the goals that moved most and the worst at risk, not all 1,000).`,
  ].join('\n');
}

/** What-if simulations of one organisation (bench/simulation.ts). */
export function simulation(result: Json): string {
  const title = '## What-if simulations (`bench/simulation.ts`)';
  if (!result || result.skipped) return `${title}\n\n${result?.skipped ?? 'Not run.'}`;
  return [
    title,
    '',
    "`POST /v1/simulations` asked in turn by one director of an organisation fed to metrics as events (a goal tree, a manager per 100 tasks): three changes (a task slips 21 days, another costs 500.00 more, a goal's budget is revised), then new weights (every scope rescored). Each runs its changes through the ledger and engine in a transaction that is rolled back.",
    '',
    table(
      ['tasks', 'scopes answered', 'three changes p50 ms', 'p99 ms', 'new weights: scopes', 'p50 ms', 'p99 ms'],
      result.points.map((point: Json) => [
        point.tasks,
        point.scopesAnswered,
        point.threeChangesMs.p50,
        point.threeChangesMs.p99,
        point.reweightScopesAnswered,
        point.reweightMs.p50,
        point.reweightMs.p99,
      ]),
    ),
    '',
    `Target: p99 ≤ ${cell(result.targetP99Ms)} ms at 100,000 tasks (\`BENCH_SIMULATION_SIZES=1000,100000 npx tsx bench/simulation.ts\`).`,
  ].join('\n');
}

/** Key-result measurements pushed in bulk, beside the raw PostgreSQL inserts (bench/measurement-ingest.ts). */
export function measurementIngest(result: Json): string {
  const title = '## Pushed key-result measurements (`bench/measurement-ingest.ts`)';
  if (!result || result.skipped) return `${title}\n\n${result?.skipped ?? 'Not run.'}`;
  return [
    title,
    '',
    `Bulk uploads of ${result.rows} measurements (NDJSON ${cell(result.ndjsonKb)} kB) to \`POST /v1/key-result-measurements\`, each row checked, stored and published as a check-in event (outbox and audit in the same transaction), beside the raw lower bound in each round: the same rows and outbox rows inserted straight into PostgreSQL in transactions of the same size. Medians of ${result.rounds} round(s), rows/s:`,
    '',
    table(
      ['round', 'NDJSON upload', 'CSV upload', 'raw PostgreSQL'],
      result.perRound.map((point: Json, index: number) => [index + 1, point.ndjson, point.csv, point.raw]),
    ),
    '',
    `Median: NDJSON ${cell(result.ndjsonPerSecond)}/s, CSV ${cell(result.csvPerSecond)}/s, raw ${cell(result.rawPostgresPerSecond)}/s; ours ÷ raw ${cell(result.ndjsonToRaw)} (NDJSON), ${cell(result.csvToRaw)} (CSV). Target: ≥ ${cell(result.targetPerSecond)} measurements/s.`,
  ].join('\n');
}

/** What JSON logs and tracing cost a request (bench/operations-overhead.ts). */
export function httpFloor(floor: Json): string {
  const title = '## What a request costs before our work: the HTTP stack (`bench/http-floor.ts`)';
  if (!floor || floor.skipped) return `${title}\n\n${floor?.skipped ?? 'Not run.'}`;
  const cpu = (server: string) => floor.servers.find((entry: Json) => entry.server === server)?.cpuUsPerRequest;
  return [
    title,
    '',
    `GET /health/live answering \`{"status":"ok"}\` with nothing else in the way, on Node's http module, Express, Nest over Express (what the services ran on until 2026-12-02) and Nest over Fastify (what they run on), each a process of its own; then the services' own requests. The same closed-loop load (${floor.connections} connections, ${floor.secondsPerRound} s) in ${floor.rounds} rounds alternating the servers; medians. CPU is the server process's own user + system time per request (/proc).`,
    '',
    table(
      ['server', 'CPU µs per request', 'requests/s'],
      floor.servers.map((entry: Json) => [entry.server, entry.cpuUsPerRequest, entry.requestsPerSecond]),
    ),
    '',
    `**Ratios (same run):** Nest over Express takes ${cell(round(cpu('nest-express') / cpu('nest-fastify'), 1))}× the CPU of Nest over Fastify for the same answer; Express alone adds ${cell(cpu('express') - cpu('node'))} µs to Node's http module.`,
  ].join('\n');
}

export function operationsOverhead(overhead: Json): string {
  const title = '## What JSON logs and tracing cost per request (`bench/operations-overhead.ts`)';
  if (!overhead || overhead.skipped) return `${title}\n\n${overhead?.skipped ?? 'Not run.'}`;
  return [
    title,
    '',
    `Four more metrics-service replicas, alike but for LOG_LEVEL/LOG_FORMAT and OTEL_EXPORTER_OTLP_ENDPOINT (OTLP/HTTP to a stand-in collector in the benchmark process), took the same closed-loop load (${overhead.connections} connections) in ${overhead.rounds} alternating rounds of ${overhead.secondsPerRound} s; medians. CPU is the replica's own user + system time per request (/proc), the figure that contention from other processes disturbs least.`,
    '',
    ...overhead.endpoints.flatMap((endpoint: Json) => [
      `**${endpoint.endpoint}**`,
      '',
      table(
        ['replica', 'CPU µs/request', 'req/s', 'p50 ms', 'p99 ms'],
        endpoint.variants.map((variant: Json) => [
          variant.name,
          variant.cpuUsPerRequest,
          variant.requestsPerSecond,
          variant.p50Ms,
          variant.p99Ms,
        ]),
      ),
      '',
      `Added per request: JSON logs ${cell(endpoint.overhead.logs.cpuUsPerRequest)} µs CPU (p50 ${cell(endpoint.overhead.logs.p50Ms)} ms), tracing ${cell(endpoint.overhead.tracing.cpuUsPerRequest)} µs (p50 ${cell(endpoint.overhead.tracing.p50Ms)} ms), both ${cell(endpoint.overhead.both.cpuUsPerRequest)} µs (p50 ${cell(endpoint.overhead.both.p50Ms)} ms).`,
      '',
    ]),
    `Spans the collector received per traced request: ${cell(overhead.spansExportedPerTracedRequest)} (1 = none dropped by the batch processor).`,
  ].join('\n');
}

function profile(hot: Json): string {
  if (!hot || hot.services.length === 0) return 'Not profiled in this run.';
  return [
    `Self time by package while execution took ${cell(hot.load.acceptedPerSecond)} updates/s for ${hot.load.seconds} s and metrics and integrations consumed them (V8 sampling profiler, \`bench/hot-path-profile.ts\`):`,
    '',
    ...hot.services.map(
      (service: Json) =>
        `- **${service.service}** (${cell(service.busyMs)} ms busy, ${cell(service.idleMs)} ms idle): ${service.top.map((share: Json) => `${share.what} ${share.percentOfBusy}%`).join(', ')}`,
    ),
  ].join('\n');
}
