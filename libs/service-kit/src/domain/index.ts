export * from './domain-error';
export * from './clock';
// Framework-free parts of auth that pure rules decide on: who acts, and the reporting lines.
export type { Actor, Role } from '../auth/actor';
export * from '../auth/reporting-lines';
