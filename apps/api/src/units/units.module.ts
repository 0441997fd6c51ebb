import { Module } from '@nestjs/common';
import { OccurrencesModule } from '../occurrences/occurrences.module';
import { RulesModule } from '../rules/rules.module';
import { OccurrenceUnitsController } from './occurrence-units.controller';
import { UnitDispatchService } from './unit-dispatch.service';
import { UnitReleaseWriter } from './unit-release.writer';
import { UnitsController } from './units.controller';
import { UnitsService } from './units.service';

/**
 * Units of the municipal fleet (issue 14): the fleet, its availability, and units on occurrences.
 * Releasing units with their occurrence (resolve, cancel, merge, close) is UnitReleaseWriter,
 * which the occurrences' commands use in their own transactions.
 */
@Module({
  imports: [RulesModule, OccurrencesModule],
  controllers: [UnitsController, OccurrenceUnitsController],
  providers: [UnitsService, UnitDispatchService, UnitReleaseWriter],
  exports: [UnitsService],
})
export class UnitsModule {}
