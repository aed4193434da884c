import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Probes for orchestrators. Live: the process serves HTTP. Ready: its sessions' database answers
 * (without it nobody can sign in); the broker only feeds live updates, so it is not required.
 */
@Controller('health')
export class HealthController {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready() {
    try {
      await this.dataSource.query('SELECT 1');
    } catch (error) {
      throw new ServiceUnavailableException(
        `The sessions database does not answer: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return { status: 'ok', database: 'up' };
  }
}
