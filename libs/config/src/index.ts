export * from './env-schema';
