import { Admin, ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { deadLetterTopic, Topics } from '@throughline/contracts';
import { ensureTopics, messagingConfigFromEnv, topicSettings } from '@throughline/messaging';
import { startTestService, testKafkaBrokers, uniqueTag } from '@throughline/testing';
import { AppModule as StrategyModule } from '../../apps/strategy-service/src/app.module';
import { strategyDatabase } from '../../apps/strategy-service/src/database/strategy-database';

/** Topics are created with explicit replication, `min.insync.replicas` and retention, not the broker's defaults. */
describe('topic settings', () => {
  let admin: Admin;

  beforeAll(async () => {
    admin = new Kafka({ brokers: [testKafkaBrokers()], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  });
  afterAll(async () => admin?.disconnect());

  async function settingsOf(topic: string) {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms', 'min.insync.replicas'] },
      ],
    });
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return {
      replicas: topics[0].partitions[0].replicas.length,
      ...Object.fromEntries(resources[0].configEntries.map((entry) => [entry.configName, entry.configValue])),
    };
  }

  it('keeps a service’s event and dead-letter topics forever, so rebuilds from them stay possible', async () => {
    const tag = uniqueTag();
    const strategy = await startTestService(StrategyModule, { tag, database: strategyDatabase });
    try {
      for (const topic of [Topics.Goals, Topics.Organisation, deadLetterTopic('strategy-service')])
        expect(await settingsOf(`t${tag}.${topic}`)).toEqual({
          replicas: 1,
          'retention.ms': '-1',
          'min.insync.replicas': '1',
        });
    } finally {
      await strategy.stop();
    }
  });

  it('creates topics with the configured retention', async () => {
    const tag = uniqueTag();
    const config = messagingConfigFromEnv('probe', {
      KAFKA_EVENT_RETENTION_MS: String(90 * 24 * 3600 * 1000),
      KAFKA_TOPIC_REPLICATION_FACTOR: '1',
    });
    await ensureTopics(admin, [`t${tag}.events`], 1, topicSettings(config.topics));
    expect(await settingsOf(`t${tag}.events`)).toMatchObject({ 'retention.ms': '7776000000' });
  });
});
