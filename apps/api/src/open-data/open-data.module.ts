import { Module } from '@nestjs/common';
import { OpenDataAdminController } from './open-data-admin.controller';
import { OpenDataController } from './open-data.controller';
import { OpenDataJob } from './open-data.job';
import { OpenDataRepository } from './open-data.repository';
import { OpenDataService } from './open-data.service';

/** Open data (issue 16): anonymised occurrence datasets, their DCAT-AP catalogue and the job that makes them. */
@Module({
  controllers: [OpenDataController, OpenDataAdminController],
  providers: [OpenDataRepository, OpenDataService, OpenDataJob],
  exports: [OpenDataService],
})
export class OpenDataModule {}
