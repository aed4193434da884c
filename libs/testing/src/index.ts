export * from './wait';
export * from './test-env';
export * from './service-harness';
export * from './api-client';
export * from './event-collector';
export * from './service-process';
export * from './topics';
export * from './walkthrough';
