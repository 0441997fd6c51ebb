import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { GeoModule } from '../geo/geo.module';
import { OperationalLevelsModule } from '../operational-levels/operational-levels.module';
import { RulesModule } from '../rules/rules.module';
import { UnitReleaseWriter } from '../units/unit-release.writer';
import { AssignmentWriter } from './assignment-writer';
import { OccurrenceCommandsService } from './occurrence-commands.service';
import { OccurrenceIntakeService } from './occurrence-intake.service';
import { OccurrenceQueriesService } from './occurrence-queries.service';
import { OccurrenceRepository } from './occurrence.repository';
import { OccurrencesController } from './occurrences.controller';

@Module({
  imports: [EventsModule, GeoModule, OperationalLevelsModule, RulesModule],
  controllers: [OccurrencesController],
  providers: [OccurrenceRepository, AssignmentWriter, UnitReleaseWriter, OccurrenceIntakeService, OccurrenceCommandsService, OccurrenceQueriesService],
  exports: [OccurrenceIntakeService, OccurrenceQueriesService, OccurrenceCommandsService],
})
export class OccurrencesModule {}
