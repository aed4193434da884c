import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { envSlice } from '@throughline/config';
import { DataSource } from 'typeorm';
import { pruneRetained, retentionEnvSchema } from '../core/retention';

/** Runs the retention pass of the inbox and the audit trail on a timer (every instance; deletes do not conflict). */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Retention');
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: ConfigService,
  ) {}

  onApplicationBootstrap(): void {
    const settings = envSlice(retentionEnvSchema, this.config);
    this.timer = setInterval(() => {
      this.running = pruneRetained(this.dataSource, settings)
        .then((deleted) => {
          if (Object.values(deleted).some((count) => count > 0)) this.logger.log(`pruned ${JSON.stringify(deleted)}`);
        })
        .catch((error) => this.logger.error(`retention pass failed: ${String(error)}`));
    }, settings.RETENTION_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
