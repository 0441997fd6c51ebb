import { Module } from '@nestjs/common';
import { OccurrencesModule } from '../occurrences/occurrences.module';
import { MetricsController } from './metrics.controller';
import { ApiMetrics } from './metrics.service';

@Module({ imports: [OccurrencesModule], controllers: [MetricsController], providers: [ApiMetrics], exports: [ApiMetrics] })
export class MetricsModule {}
