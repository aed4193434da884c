// The unit tier has no infrastructure: even when the shell points at a broker and a database
// for the integration tier, a unit spec that tries to use them fails (see test-env.ts).
delete process.env.TEST_DATABASE_URL;
delete process.env.TEST_KAFKA_BROKERS;
