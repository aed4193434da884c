import { Admin } from 'kafkajs';
import { Counter, Gauge } from 'prom-client';
import { consumerLag } from '../core/kafka-client';

/** Prometheus metrics of the messaging layer; defined once per process, labelled per service. */
export const eventsConsumed = new Counter({
  name: 'throughline_events_consumed_total',
  help: 'Consumed events by outcome (processed, duplicate, skipped, retried, dead_lettered)',
  labelNames: ['group', 'type', 'outcome'] as const,
});

export const eventsPublished = new Counter({
  name: 'throughline_events_published_total',
  help: 'Events the outbox relay published',
  labelNames: ['service', 'topic'] as const,
});

interface RuntimeProbe {
  backlog(): Promise<number>;
  admin?: Admin;
  groupId?: string;
  topics?: string[];
}

const probes = new Map<string, RuntimeProbe>();

export function registerRuntimeProbe(service: string, probe: RuntimeProbe): void {
  probes.set(service, probe);
}

export function unregisterRuntimeProbe(service: string): void {
  probes.delete(service);
}

new Gauge({
  name: 'throughline_outbox_backlog',
  help: 'Events written to the outbox and not yet published',
  labelNames: ['service'] as const,
  async collect() {
    for (const [service, probe] of probes) this.set({ service }, await probe.backlog().catch(() => Number.NaN));
  },
});

new Gauge({
  name: 'throughline_consumer_lag',
  help: 'Messages not yet consumed, per topic partition',
  labelNames: ['group', 'topic', 'partition'] as const,
  async collect() {
    this.reset();
    for (const probe of probes.values()) {
      if (!probe.admin || !probe.groupId || !probe.topics?.length) continue;
      const lags = await consumerLag(probe.admin, probe.groupId, probe.topics).catch(() => []);
      for (const { topic, partition, lag } of lags)
        this.set({ group: probe.groupId, topic, partition: String(partition) }, lag);
    }
  },
});
