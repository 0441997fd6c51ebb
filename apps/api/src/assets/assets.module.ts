import { Module } from '@nestjs/common';
import { LiveModule } from '../live/live.module';
import { OccurrencesModule } from '../occurrences/occurrences.module';
import { RulesModule } from '../rules/rules.module';
import { AssetImportService } from './asset-import.service';
import { AssetStatusFanout } from './asset-status.fanout';
import { AssetStatusService } from './asset-status.service';
import { AssetsController } from './assets.controller';
import { AssetsService } from './assets.service';
import { OccurrenceAssetsController } from './occurrence-assets.controller';

/**
 * The city's equipment (issue 15): the registry, its imports, asset status and the fault
 * occurrences it opens (ADR 0026). AssetStatusService is what the Urban Platform adapter calls.
 */
@Module({
  imports: [RulesModule, OccurrencesModule, LiveModule],
  controllers: [AssetsController, OccurrenceAssetsController],
  providers: [AssetsService, AssetImportService, AssetStatusService, AssetStatusFanout],
  exports: [AssetStatusService, AssetImportService],
})
export class AssetsModule {}
