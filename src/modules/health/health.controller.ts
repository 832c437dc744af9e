import { Controller, Get, HttpCode, ServiceUnavailableException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Public } from '../../common/auth/access.decorators';
import { databaseStatus } from '../../common/database/database-status';
import { Lifecycle } from '../../common/lifecycle/lifecycle';

/** Readiness answers within this, whatever the database does (a load balancer should not wait on a hung probe). */
const READY_PROBE_MS = 800;

@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly lifecycle: Lifecycle,
  ) {}

  /** The process is up. */
  @Public()
  @Get('live')
  @HttpCode(200)
  live() {
    return { status: 'ok' };
  }

  /** The process can reach its database and is not shutting down. */
  @Public()
  @Get('ready')
  async ready() {
    if (this.lifecycle.draining) throw new ServiceUnavailableException({ status: 'shutting down' });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('readiness probe timed out')), READY_PROBE_MS))),
      ]);
      databaseStatus.succeeded();
      return { status: 'ok' };
    } catch (error) {
      databaseStatus.failed(error);
      throw new ServiceUnavailableException({ status: 'unavailable' });
    } finally {
      clearTimeout(timer);
    }
  }
}
