import { Module } from '@nestjs/common';
import { MessagingModule } from '@throughline/messaging';
import { ServiceKitModule } from '@throughline/service-kit';
import { CatalogueModule } from './catalogue/catalogue.module';
import { integrationsDatabase } from './database/integrations-database';
import { webhookEnvSchema } from './webhooks/webhook-settings';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({
  imports: [
    ServiceKitModule.forRoot({ database: integrationsDatabase, config: webhookEnvSchema }),
    MessagingModule.forRoot({ serviceName: 'integrations-service', publishes: [] }),
    CatalogueModule,
    WebhooksModule,
  ],
})
export class AppModule {}
