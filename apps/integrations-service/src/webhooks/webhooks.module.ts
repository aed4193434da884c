import { Module } from '@nestjs/common';
import { DeliveryDispatcher } from './delivery-dispatcher.service';
import { RecordDeliveriesForEvents } from './record-deliveries-for-events.handler';
import { CLOCK, systemClock, WEBHOOK_SETTINGS, webhookSettingsFromEnv } from './webhook-settings';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({
  controllers: [WebhooksController],
  providers: [
    { provide: WEBHOOK_SETTINGS, useFactory: () => webhookSettingsFromEnv() },
    { provide: CLOCK, useValue: systemClock },
    WebhooksService,
    RecordDeliveriesForEvents,
    DeliveryDispatcher,
  ],
})
export class WebhooksModule {}
