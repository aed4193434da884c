import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { envSlice } from '@throughline/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { metricsEnvSchema } from '../metrics-service.config';
import { ScoringEngine } from '../scoring/scoring-engine.service';
import { Clock, CLOCK } from '@throughline/service-kit';

export interface TimePassResult {
  asOf: string;
  organisations: number;
  rescored: number;
}

/**
 * Scores move when nothing happens: a task passes a quarter of its time or its due date, a key
 * result's expectation advances a week. The pass moves each organisation's day to the clock's
 * and updates only what crossed a date since (found through the next-change index).
 */
@Injectable()
export class TimePassService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('TimePass');
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly engine: ScoringEngine,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly config: ConfigService,
  ) {}

  onApplicationBootstrap(): void {
    const everyMs = envSlice(metricsEnvSchema, this.config).METRICS_TIME_PASS_INTERVAL_MS;
    if (everyMs > 0) {
      this.timer = setInterval(
        () => this.run().catch((error) => this.logger.error(`time pass failed: ${String(error)}`)),
        everyMs,
      );
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Runs the pass for every organisation (or one); passes never overlap. */
  run(orgId?: string): Promise<TimePassResult> {
    const next = this.running.then(() => this.pass(orgId));
    this.running = next.catch(() => undefined);
    return next;
  }

  private async pass(orgId?: string): Promise<TimePassResult> {
    const now = this.clock.now();
    const day = now.toISOString().slice(0, 10);
    const organisations: Array<{ org_id: string }> = await this.dataSource.query(
      `SELECT org_id FROM org_state WHERE as_of < $1 ${orgId ? 'AND org_id = $2' : ''} ORDER BY org_id`,
      orgId ? [day, orgId] : [day],
    );
    let rescored = 0;
    for (const { org_id } of organisations) {
      await this.dataSource.transaction(async (tx) => {
        const run = await this.engine.begin(tx, org_id, now, { orgId: org_id, correlationId: `time-pass:${day}` });
        rescored += run.dirty.size;
        await this.engine.finish(run);
        await tx.query(`UPDATE org_state SET last_pass_at = $2 WHERE org_id = $1`, [org_id, now]);
      });
    }
    return { asOf: day, organisations: organisations.length, rescored };
  }
}
