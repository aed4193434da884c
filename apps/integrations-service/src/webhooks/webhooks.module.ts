import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { envSlice } from '@throughline/config';
import { DeliveryDispatcher } from './delivery-dispatcher.service';
import { RecordDeliveriesForEvents } from './record-deliveries-for-events.handler';
import { WEBHOOK_SETTINGS, webhookEnvSchema, webhookSettings } from './webhook-settings';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';
import { CLOCK, systemClock } from '@throughline/service-kit';

@Module({
  controllers: [WebhooksController],
  providers: [
    {
      provide: WEBHOOK_SETTINGS,
      inject: [ConfigService],
      useFactory: (config: ConfigService) => webhookSettings(envSlice(webhookEnvSchema, config)),
    },
    { provide: CLOCK, useValue: systemClock },
    WebhooksService,
    RecordDeliveriesForEvents,
    DeliveryDispatcher,
  ],
})
export class WebhooksModule {}
