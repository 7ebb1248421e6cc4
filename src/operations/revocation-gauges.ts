import { Injectable, OnModuleInit } from '@nestjs/common';
import { DenyListService } from '../revocation-log/deny-list.service';
import { RevocationFeedService } from '../revocation-log/revocation-feed.service';
import { Metrics } from './metrics/metrics';

/** The revocation log's gauges, read from its services when Prometheus scrapes, never per request. */
@Injectable()
export class RevocationGauges implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly denyList: DenyListService,
    private readonly feed: RevocationFeedService,
  ) {}

  onModuleInit(): void {
    this.metrics.gaugeOnScrape('oauth_revocation_feed_subscribers', 'Resource servers subscribed to the revocation feed of this instance', () => this.feed.subscriberCount);
    this.metrics.gaugeOnScrape('oauth_deny_set_entries', 'Denials in force held in memory by this instance', () => this.denyList.denialCount);
    this.metrics.gaugeOnScrape(
      'oauth_revocation_log_lag_seconds',
      'Seconds the newest denial took from the revocation log to this instance',
      () => this.denyList.lastApplyLagSeconds,
    );
  }
}
