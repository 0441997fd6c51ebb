import { Module } from '@nestjs/common';
import { EventsModule } from '../../events/events.module';
import { LiveModule } from '../../live/live.module';
import { MetricsModule } from '../../metrics/metrics.module';
import { RulesModule } from '../../rules/rules.module';
import { MqttPositionConsumer } from './mqtt-position.consumer';
import { PositionWriter } from './position-writer.service';
import { UnitCodeDirectory } from './unit-code.directory';
import { UnitPositionRetentionJob } from './unit-position-retention.job';
import { UnitPositionMetrics } from './unit-position.metrics';
import { UnitPositionRepository } from './unit-position.repository';
import { UnitPositionsController } from './unit-positions.controller';
import { UnitPositionsFanout } from './unit-positions.fanout';
import { UnitPositionsService } from './unit-positions.service';

/** AVL: unit positions over HTTP and MQTT, the geofence, the trail, live positions (docs/architecture.md "How a position flows"). */
@Module({
  imports: [EventsModule, RulesModule, LiveModule, MetricsModule],
  controllers: [UnitPositionsController],
  providers: [
    UnitPositionRepository,
    UnitCodeDirectory,
    UnitPositionMetrics,
    UnitPositionsFanout,
    PositionWriter,
    UnitPositionsService,
    MqttPositionConsumer,
    UnitPositionRetentionJob,
  ],
  exports: [PositionWriter, UnitCodeDirectory, MqttPositionConsumer],
})
export class UnitPositionsModule {}
