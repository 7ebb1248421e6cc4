import { Global, Module } from '@nestjs/common';
import { Metrics } from './metrics';

/** One `Metrics` per app, for every module to count into. */
@Global()
@Module({ providers: [Metrics], exports: [Metrics] })
export class MetricsModule {}
