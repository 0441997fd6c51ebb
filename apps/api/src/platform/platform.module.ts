import { Module } from '@nestjs/common';
import { AssetsModule } from '../assets/assets.module';
import { EventsModule } from '../events/events.module';
import { MetricsModule } from '../metrics/metrics.module';
import { OccurrencesModule } from '../occurrences/occurrences.module';
import { RulesModule } from '../rules/rules.module';
import { AlertEntitiesRepository } from './alert-entities.repository';
import { BrokerClient } from './broker-client';
import { NgsiLdEntitiesController } from './ngsi-ld-entities.controller';
import { NgsiLdQueriesService } from './ngsi-ld-queries.service';
import { PlatformMetrics } from './platform-metrics';
import { PlatformNotifyController } from './platform-notify.controller';
import { PlatformNotifyService } from './platform-notify.service';
import { PlatformPublisher } from './platform-publisher.relay';
import { PlatformSubscriptionsService } from './platform-subscriptions.service';

/**
 * The Urban Platform (FIWARE NGSI-LD, issue 15; ADR 0027): the broker's notifications in
 * (Alerts → occurrences, Devices → asset status), the CGI's occurrences out as Alert entities
 * (publisher from the event log; subscriptions made on start), and NGSI-LD queries answered.
 */
@Module({
  imports: [OccurrencesModule, RulesModule, MetricsModule, AssetsModule, EventsModule],
  controllers: [PlatformNotifyController, NgsiLdEntitiesController],
  providers: [
    PlatformMetrics, PlatformNotifyService, AlertEntitiesRepository, BrokerClient, PlatformPublisher, PlatformSubscriptionsService, NgsiLdQueriesService,
  ],
})
export class PlatformModule {}
