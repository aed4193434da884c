import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { NotificationPlanner } from './notification-planner.service';
import { NOTIFICATION_SETTINGS, NotificationSettings } from './notification-settings';

/** Looks for due digests and reminders at a fixed interval; what a tick queues is sent by the sender. */
@Injectable()
export class NotificationScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Notifications');
  private timer?: NodeJS.Timeout;
  private tick?: Promise<void>;

  constructor(
    private readonly planner: NotificationPlanner,
    @Inject(NOTIFICATION_SETTINGS) private readonly settings: NotificationSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.tick ??= this.planner
        .queueDue()
        .then((queued) => {
          if (queued > 0) this.logger.log(`queued ${queued} scheduled message(s)`);
        })
        .catch((error) => this.logger.error(`scheduling notifications failed: ${String(error)}`))
        .finally(() => (this.tick = undefined));
    }, this.settings.scheduleIntervalMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.tick;
  }
}
