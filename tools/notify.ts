/**
 * Sends the demo organisation's digests or reminders now, rather than on their schedule, through
 * the integrations service `npm start` runs (development tokens); they arrive in the mail inbox.
 *   npm run notify -- digest      every director's weekly digest (once per week and person)
 *   npm run notify -- reminders   every manager's reminder of overdue and quiet tasks (once per day)
 * INTEGRATIONS_URL overrides http://127.0.0.1:3004.
 */
import { randomUUID } from 'node:crypto';
// Imported by path, not through the library index, so this does not load Nest.
import { mintDevToken } from '../libs/service-kit/src/auth/dev-token';
import { DEMO_ORGANISATION } from './demo/demo-organisation';

async function main(): Promise<void> {
  const kind = process.argv[2];
  if (kind !== 'digest' && kind !== 'reminders') {
    console.error('usage: npm run notify -- digest | reminders');
    process.exit(2);
  }
  const token = await mintDevToken({ personId: randomUUID(), orgId: DEMO_ORGANISATION.id, role: 'admin' });
  const url = `${process.env.INTEGRATIONS_URL ?? 'http://127.0.0.1:3004'}/v1/notifications/${kind === 'digest' ? 'digests' : 'reminders'}`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  const body = (await response.json()) as Record<string, any>;
  if (!response.ok) throw new Error(`${response.status}: ${body.detail ?? JSON.stringify(body)}`);
  console.log(
    `${kind}: queued for ${body.queued} ${body.queued === 1 ? 'person' : 'people'}, already sent this period to ${body.alreadyQueued}, nothing to send for ${body.nothingToSend}.`,
  );
}

main().catch((error: unknown) => {
  console.error(`notify failed: ${(error as Error).message}`);
  process.exit(1);
});
