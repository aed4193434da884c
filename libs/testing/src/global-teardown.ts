export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as { __throughlineInfra?: Array<{ stop(): Promise<void> }> }).__throughlineInfra ?? [];
  // Kafka first: it may still be flushing while PostgreSQL goes away.
  for (const service of started.reverse()) await service.stop();
}
