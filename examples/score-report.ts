/**
 * A director's score report through the typed client (libs/api-client): the organisation's score
 * and what moves it, then every goal that is not on track, worst first, with its largest driver.
 *
 *   TOKEN=$(npm run -s token -- --role director --org <organisation uuid>) npx tsx examples/score-report.ts
 *
 * Settings (environment): TOKEN (a bearer token; `npm run token` mints one for development),
 * METRICS_URL (default http://127.0.0.1:3003, the metrics service `npm start` runs).
 */
import { apiClient, metrics } from '../libs/api-client/src';

const token = process.env.TOKEN;
const client = apiClient({ baseUrl: process.env.METRICS_URL ?? 'http://127.0.0.1:3003', token });

async function main(): Promise<void> {
  if (!token) throw new Error('Set TOKEN to a bearer token: npm run -s token -- --role director --org <uuid>');
  const organisation = await metrics.scoresOrganisation({ client, throwOnError: true });
  const { score, band, name, components, drivers } = organisation.data;
  console.log(`${name}: ${score} (${band})`);
  for (const component of components)
    console.log(
      `  ${component.name.padEnd(9)} ${component.value ?? 'n/a'} × ${component.weight} — ${component.detail}`,
    );
  for (const driver of drivers.slice(0, 3)) console.log(`  moved by ${driver.kind} "${driver.name}": ${driver.detail}`);

  const notOnTrack = [];
  for (const band of ['off_track', 'at_risk'] as const) {
    const page = await metrics.scoresList({ client, path: { scopes: 'goals' }, query: { band }, throwOnError: true });
    notOnTrack.push(...page.data.items);
  }
  console.log(notOnTrack.length ? 'Goals not on track:' : 'Every goal is on track.');
  for (const goal of notOnTrack.sort((a, b) => a.score - b.score)) {
    const [largest] = goal.drivers;
    console.log(`  ${goal.score} ${goal.band} ${goal.name}${largest ? ` — ${largest.name}: ${largest.detail}` : ''}`);
  }
}

main().catch((error: unknown) => {
  // The client's errors are problem+json bodies: their detail says what went wrong.
  console.error('score report failed:', (error as { detail?: string }).detail ?? error);
  process.exit(1);
});
