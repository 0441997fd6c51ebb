import { Module } from '@nestjs/common';
import { OpenDataController } from './open-data.controller';
import { OpenDataJob } from './open-data.job';
import { OpenDataRepository } from './open-data.repository';
import { OpenDataService } from './open-data.service';

/** Open data (issue 16): anonymised occurrence datasets, their DCAT-AP catalogue and the job that makes them. */
@Module({
  controllers: [OpenDataController],
  providers: [OpenDataRepository, OpenDataService, OpenDataJob],
  exports: [OpenDataService],
})
export class OpenDataModule {}
