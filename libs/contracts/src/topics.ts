/**
 * Every topic the system uses, and what keys its messages. Deployments may prefix the
 * names (KAFKA_TOPIC_PREFIX) so that tests and tenants of one broker never collide.
 */
export const Topics = {
  /** Organisation units and people; key: organisation id. */
  Organisation: 'throughline.strategy.organisation',
  /** Goals and everything hanging from them (key results, budgets, deliverables, risks); key: goal id. */
  Goals: 'throughline.strategy.goals',
  /** Tasks, their reports and key-result check-ins (pushed measurements' too, from strategy); key: goal id (unlinked work: the manager's person id). */
  Tasks: 'throughline.execution.tasks',
  /** Alignment score changes; key: the scored scope's id. */
  Scores: 'throughline.metrics.scores',
  /** Alerts raised by metrics; key: the scope's id. */
  Alerts: 'throughline.metrics.alerts',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

export const ALL_TOPICS: readonly TopicName[] = Object.values(Topics);

/** Where a consumer group parks what it cannot process. */
export function deadLetterTopic(consumerGroup: string): string {
  return `throughline.dlt.${consumerGroup}`;
}

export function prefixedTopic(prefix: string, topic: string): string {
  return `${prefix}${topic}`;
}
