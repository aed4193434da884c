import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CLOUDEVENTS_CONTENT_TYPE } from '@throughline/contracts';
import { DataSource } from 'typeorm';
import { afterAttempt, isSuccessStatus } from './delivery-lifecycle';
import { webhookAttempts, webhookAttemptSeconds, webhooksDisabled } from './webhook-metrics';
import { EndpointRequester } from './endpoint-request';
import { signedHeaders } from './webhook-signature';
import { WEBHOOK_SETTINGS, WebhookSettings } from './webhook-settings';
import { Clock, CLOCK } from '@throughline/service-kit';

interface ClaimedDelivery {
  delivery_id: string;
  subscription_id: string;
  event_id: string;
  attempts: number;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  body: string;
}

/**
 * Sends due deliveries. A delivery is claimed with a lease (so several instances never
 * send it at once) only if no earlier delivery of the same subscription and key is still
 * pending: an aggregate's events reach an endpoint in order, while other keys and
 * endpoints proceed. A crash mid-send lets the lease expire and the delivery is sent
 * again (at least once; receivers deduplicate on the event id).
 */
@Injectable()
export class DeliveryDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private readonly inFlight = new Set<Promise<void>>();
  private nextPruneAt = 0;
  private readonly requester: EndpointRequester;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(WEBHOOK_SETTINGS) private readonly settings: WebhookSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.requester = new EndpointRequester(settings.production);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.resealSecrets();
    this.running = true;
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.requester.close();
  }

  /** Secrets stored in clear (before encryption) or under a rotated-out key are sealed again with the current key. */
  private async resealSecrets(): Promise<void> {
    const rows: Array<{ subscription_id: string; secret: string; previous_secret: string | null }> =
      await this.dataSource.query(`SELECT subscription_id, secret, previous_secret FROM webhook_subscription`);
    const box = this.settings.secrets;
    const stale = rows.filter(
      (row) => box.needsResealing(row.secret) || (row.previous_secret && box.needsResealing(row.previous_secret)),
    );
    for (const row of stale)
      await this.dataSource.query(
        `UPDATE webhook_subscription SET secret = $2, previous_secret = $3 WHERE subscription_id = $1 AND secret = $4`,
        [
          row.subscription_id,
          box.seal(box.open(row.secret)),
          row.previous_secret && box.seal(box.open(row.previous_secret)),
          row.secret,
        ],
      );
    if (stale.length > 0) this.logger.log(`re-encrypted the signing secrets of ${stale.length} webhook(s)`);
  }

  /**
   * A pool of `concurrency` sends: a slot freed by one delivery is refilled at once, so a
   * slow endpoint holds only its own slots (at most `perEndpointConcurrency`), never the others'.
   */
  private async run(): Promise<void> {
    while (this.running) {
      await this.pruneWhenDue();
      const free = this.settings.concurrency - this.inFlight.size;
      let claimed: ClaimedDelivery[] = [];
      if (free > 0) {
        try {
          claimed = await this.claim(free);
        } catch (error) {
          this.logger.error(`claiming deliveries failed: ${String(error)}`);
        }
      }
      for (const delivery of claimed) {
        const sending: Promise<void> = this.send(delivery)
          .catch((error) => this.logger.error(`delivery ${delivery.delivery_id} failed to record: ${String(error)}`))
          .finally(() => {
            this.inFlight.delete(sending);
            this.wake?.();
          });
        this.inFlight.add(sending);
      }
      if (claimed.length === 0 && this.running) await this.pause();
    }
    await Promise.all(this.inFlight);
  }

  /** Keeps the tables bounded: finished deliveries past the retention, then events nobody needs. */
  private async pruneWhenDue(): Promise<void> {
    const now = this.clock.now();
    if (now.getTime() < this.nextPruneAt) return;
    this.nextPruneAt = now.getTime() + this.settings.pruneIntervalMs;
    const before = new Date(now.getTime() - this.settings.retentionMs);
    try {
      for (let batch = 0; batch < 100; batch++) {
        const [, deleted]: [unknown, number] = await this.dataSource.query(
          `DELETE FROM webhook_delivery WHERE delivery_id IN (
             SELECT delivery_id FROM webhook_delivery WHERE status <> 'pending' AND COALESCE(delivered_at, dead_lettered_at) < $1 LIMIT 5000)`,
          [before],
        );
        if (deleted < 5000) break;
      }
      await this.dataSource.query(
        `DELETE FROM webhook_event e WHERE e.received_at < $1 AND NOT EXISTS (SELECT 1 FROM webhook_delivery d WHERE d.event_id = e.event_id)`,
        [before],
      );
    } catch (error) {
      this.logger.error(`pruning old deliveries failed: ${String(error)}`);
    }
  }

  private pause(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.settings.pollIntervalMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async claim(limit: number): Promise<ClaimedDelivery[]> {
    const now = this.clock.now();
    const leaseUntil = new Date(now.getTime() + this.settings.requestTimeoutMs * 2 + 1000);
    const [rows]: [ClaimedDelivery[]] = await this.dataSource.query(
      `WITH sending AS (
         SELECT subscription_id, count(*) AS busy FROM webhook_delivery WHERE status = 'pending' AND lease_until > $1 GROUP BY subscription_id
       ), ready AS (
         SELECT d.delivery_id, d.next_attempt_at, d.sequence, COALESCE(sending.busy, 0) AS busy,
                row_number() OVER (PARTITION BY d.subscription_id ORDER BY d.next_attempt_at, d.sequence) AS rank
         FROM webhook_delivery d
         JOIN webhook_subscription s ON s.subscription_id = d.subscription_id AND s.status = 'active'
         LEFT JOIN sending ON sending.subscription_id = d.subscription_id
         WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND (d.lease_until IS NULL OR d.lease_until <= $1)
           AND NOT EXISTS (SELECT 1 FROM webhook_delivery earlier WHERE earlier.subscription_id = d.subscription_id
                             AND earlier.partition_key = d.partition_key AND earlier.status = 'pending' AND earlier.sequence < d.sequence)
       ), picked AS (
         SELECT delivery_id FROM ready WHERE rank + busy <= $4 ORDER BY next_attempt_at, sequence LIMIT $3
       ), locked AS (
         -- Another instance may have claimed some meanwhile: lock what is still free, skip the rest.
         SELECT d.delivery_id FROM webhook_delivery d
         WHERE d.delivery_id IN (SELECT delivery_id FROM picked) AND d.status = 'pending' AND (d.lease_until IS NULL OR d.lease_until <= $1)
         FOR UPDATE SKIP LOCKED
       )
       UPDATE webhook_delivery d SET lease_until = $2 FROM locked, webhook_subscription s, webhook_event e
       WHERE d.delivery_id = locked.delivery_id AND s.subscription_id = d.subscription_id AND e.event_id = d.event_id
       RETURNING d.delivery_id, d.subscription_id, d.event_id, d.attempts, s.url, s.secret, s.previous_secret, s.previous_secret_expires_at, e.body`,
      [now, leaseUntil, limit, this.settings.perEndpointConcurrency],
    );
    return rows;
  }

  private async send(delivery: ClaimedDelivery): Promise<void> {
    const now = this.clock.now();
    const secrets = [this.settings.secrets.open(delivery.secret)];
    if (delivery.previous_secret && delivery.previous_secret_expires_at && delivery.previous_secret_expires_at > now)
      secrets.push(this.settings.secrets.open(delivery.previous_secret));
    let statusCode: number | null = null;
    let error: string | null = null;
    const stopTimer = webhookAttemptSeconds.startTimer();
    try {
      statusCode = await this.requester.post(delivery.url, {
        timeoutMs: this.settings.requestTimeoutMs,
        headers: {
          'content-type': CLOUDEVENTS_CONTENT_TYPE,
          'user-agent': 'Throughline-Webhooks/1',
          'webhook-delivery': delivery.delivery_id,
          'webhook-attempt': String(delivery.attempts + 1),
          ...signedHeaders(secrets, delivery.event_id, now, delivery.body),
        },
        body: delivery.body,
      });
      if (!isSuccessStatus(statusCode)) error = `HTTP ${statusCode}`;
    } catch (failure) {
      error =
        (failure as Error).name === 'TimeoutError' || (failure as Error).name === 'AbortError'
          ? `no response within ${this.settings.requestTimeoutMs} ms`
          : `could not connect: ${(failure as Error).message}`;
    }
    stopTimer();
    await this.record(delivery, statusCode, error);
  }

  private async record(delivery: ClaimedDelivery, statusCode: number | null, error: string | null): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const now = this.clock.now();
      const [subscription]: { failing_since: Date | null; consecutive_failures: number; status: string }[] =
        await tx.query(
          `SELECT failing_since, consecutive_failures, status FROM webhook_subscription WHERE subscription_id = $1 FOR UPDATE`,
          [delivery.subscription_id],
        );
      if (!subscription) return; // deleted while the request was in flight
      const outcome = afterAttempt(
        {
          attempts: delivery.attempts,
          failingSince: subscription.failing_since,
          consecutiveFailures: subscription.consecutive_failures,
        },
        error === null,
        now,
        this.settings,
      );
      await tx.query(
        `UPDATE webhook_delivery SET status = $2, attempts = $3, next_attempt_at = COALESCE($4, next_attempt_at), lease_until = NULL, last_attempt_at = $5,
           last_status_code = $6, last_error = $7, delivered_at = CASE WHEN $2 = 'delivered' THEN $5 ELSE delivered_at END,
           dead_lettered_at = CASE WHEN $2 = 'dead_lettered' THEN $5 ELSE dead_lettered_at END
         WHERE delivery_id = $1`,
        [delivery.delivery_id, outcome.status, outcome.attempts, outcome.nextAttemptAt, now, statusCode, error],
      );
      webhookAttempts.inc({ outcome: outcome.status === 'pending' ? 'retry' : outcome.status });
      const disable = outcome.disable && subscription.status === 'active';
      await tx.query(
        `UPDATE webhook_subscription SET failing_since = $2, consecutive_failures = $3,
           status = CASE WHEN $4 THEN 'disabled' ELSE status END,
           disabled_at = CASE WHEN $4 THEN $5 ELSE disabled_at END,
           disabled_reason = CASE WHEN $4 THEN $6 ELSE disabled_reason END,
           version = CASE WHEN $4 THEN version + 1 ELSE version END
         WHERE subscription_id = $1`,
        [
          delivery.subscription_id,
          outcome.failingSince,
          outcome.consecutiveFailures,
          disable,
          now,
          `disabled automatically after ${outcome.consecutiveFailures} failed attempts in a row (last: ${error})`,
        ],
      );
      if (disable) {
        webhooksDisabled.inc();
        this.logger.warn(
          `webhook ${delivery.subscription_id} disabled after ${outcome.consecutiveFailures} failures in a row`,
        );
      }
    });
  }
}
