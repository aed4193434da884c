export * from './host';
export * from './kafka-broker';
export * from './embedded-postgres';
export * from './chromium';
export * from './mail-inbox';
export * from './dashboard-build';
export * from './own-process-group';
