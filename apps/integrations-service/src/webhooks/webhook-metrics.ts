import { Counter, Histogram } from 'prom-client';

/** Prometheus metrics of webhook delivery; defined once per process (the default registry /metrics serves). */
export const webhookAttempts = new Counter({
  name: 'throughline_webhook_attempts_total',
  help: 'Webhook delivery attempts by outcome (delivered, retry, dead_lettered)',
  labelNames: ['outcome'] as const,
});

export const webhookAttemptSeconds = new Histogram({
  name: 'throughline_webhook_attempt_duration_seconds',
  help: 'Time from sending a webhook to its answer (or failure)',
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

export const webhooksDisabled = new Counter({
  name: 'throughline_webhooks_disabled_total',
  help: 'Webhooks disabled automatically after persistent failure',
});
