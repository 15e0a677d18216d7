import { Global, Module } from '@nestjs/common';
import { Metrics } from './metrics';

/** Prometheus metrics, for any module to count into (src/metrics/metrics.ts). */
@Global()
@Module({ providers: [Metrics], exports: [Metrics] })
export class MetricsModule {}
