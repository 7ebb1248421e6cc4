import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../common/clock';
import { SessionEnder } from './session-ender';

const SWEEP_INTERVAL_MS = 10_000;

/**
 * Ends expired sign-in sessions like a logout: the families they started without
 * `offline_access` are revoked and their clients get logout tokens. Every instance sweeps;
 * the delete of the session row decides which one ends each session.
 */
@Injectable()
export class SessionExpiryJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionExpiryJob.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly ender: SessionEnder,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep().catch((error) => this.logger.warn(`session sweep failed: ${error}`)), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One pass; answers how many sessions it ended. */
  async sweep(): Promise<number> {
    const ended = await this.ender.endExpired(this.clock.now());
    if (ended > 0) this.logger.log({ msg: 'expired sign-in sessions ended', ended });
    return ended;
  }
}
