import { Module } from '@nestjs/common';
import { MessagingModule } from '@throughline/messaging';
import { ServiceKitModule } from '@throughline/service-kit';
import { CatalogueModule } from './catalogue/catalogue.module';
import { integrationsDatabase } from './database/integrations-database';
import { notificationEnvSchema } from './notifications/notification-settings';
import { NotificationsModule } from './notifications/notifications.module';
import { webhookEnvSchema } from './webhooks/webhook-settings';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({
  imports: [
    ServiceKitModule.forRoot({
      database: integrationsDatabase,
      config: webhookEnvSchema.extend(notificationEnvSchema.shape),
    }),
    MessagingModule.forRoot({ serviceName: 'integrations-service', publishes: [] }),
    CatalogueModule,
    WebhooksModule,
    NotificationsModule,
  ],
})
export class AppModule {}
