import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { ApiMetrics } from './metrics.service';

@Module({ controllers: [MetricsController], providers: [ApiMetrics] })
export class MetricsModule {}
