import { Module } from '@nestjs/common';
import { AssetsModule } from '../assets/assets.module';
import { MetricsModule } from '../metrics/metrics.module';
import { OccurrencesModule } from '../occurrences/occurrences.module';
import { RulesModule } from '../rules/rules.module';
import { PlatformMetrics } from './platform-metrics';
import { PlatformNotifyController } from './platform-notify.controller';
import { PlatformNotifyService } from './platform-notify.service';

/** The Urban Platform (FIWARE NGSI-LD, issue 15): notifications in, Alerts out, NGSI-LD queries. */
@Module({
  imports: [OccurrencesModule, RulesModule, MetricsModule, AssetsModule],
  controllers: [PlatformNotifyController],
  providers: [PlatformMetrics, PlatformNotifyService],
})
export class PlatformModule {}
