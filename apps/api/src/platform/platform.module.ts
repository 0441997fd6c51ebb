import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module';
import { OccurrencesModule } from '../occurrences/occurrences.module';
import { RulesModule } from '../rules/rules.module';
import { ASSET_STATUS_REPORTER, NoAssetRegistry } from './asset-status.port';
import { PlatformMetrics } from './platform-metrics';
import { PlatformNotifyController } from './platform-notify.controller';
import { PlatformNotifyService } from './platform-notify.service';

/** The Urban Platform (FIWARE NGSI-LD, issue 15): notifications in, Alerts out, NGSI-LD queries. */
@Module({
  imports: [OccurrencesModule, RulesModule, MetricsModule],
  controllers: [PlatformNotifyController],
  providers: [PlatformMetrics, PlatformNotifyService, { provide: ASSET_STATUS_REPORTER, useClass: NoAssetRegistry }],
})
export class PlatformModule {}
