import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { envSlice } from '@throughline/config';
import { CLOCK, systemClock } from '@throughline/service-kit';
import { NotificationFactsHandler } from './notification-facts.handler';
import { NotificationPlanner } from './notification-planner.service';
import { NotificationScheduler } from './notification-scheduler.service';
import { NotificationSender } from './notification-sender.service';
import { NOTIFICATION_SETTINGS, notificationEnvSchema, notificationSettings } from './notification-settings';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';

/**
 * Digests, reminders and alert messages by e-mail and chat. In the integrations service because
 * it already consumes every stream and owns outbound delivery (address guard, retries, leases).
 */
@Module({
  controllers: [NotificationsController],
  providers: [
    {
      provide: NOTIFICATION_SETTINGS,
      inject: [ConfigService],
      useFactory: (config: ConfigService) =>
        notificationSettings({ ...envSlice(notificationEnvSchema, config), NODE_ENV: config.get('NODE_ENV') }),
    },
    { provide: CLOCK, useValue: systemClock },
    NotificationsService,
    NotificationPlanner,
    NotificationFactsHandler,
    NotificationScheduler,
    NotificationSender,
  ],
})
export class NotificationsModule {}
