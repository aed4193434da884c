import { AddOutboxTraceparent1767000000000 } from './add-outbox-traceparent.migration';
import { CreateMessagingTables1764000000000 } from './messaging-tables.migration';

/** The messaging tables' migrations, in order: every service lists them before its own. */
export const messagingMigrations = [CreateMessagingTables1764000000000, AddOutboxTraceparent1767000000000];
