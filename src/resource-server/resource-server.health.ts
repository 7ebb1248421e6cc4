import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { RemoteRevocationFeed } from './remote-revocation-feed';

/** For `@nestjs/terminus`: up while the revocation feed is live, down (with its state) otherwise. */
@Injectable()
export class RevocationFeedHealthIndicator {
  constructor(
    private readonly feed: RemoteRevocationFeed,
    private readonly health: HealthIndicatorService,
  ) {}

  check(key = 'revocation_feed'): HealthIndicatorResult {
    const indicator = this.health.check(key);
    const status = this.feed.status();
    return this.feed.isLive ? indicator.up({ ...status }) : indicator.down({ ...status });
  }
}
