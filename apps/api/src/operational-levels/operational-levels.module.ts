import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { OperationalLevelService } from './operational-level.service';
import { OperationalLevelsController } from './operational-levels.controller';

@Module({
  imports: [EventsModule],
  controllers: [OperationalLevelsController],
  providers: [OperationalLevelService],
  exports: [OperationalLevelService],
})
export class OperationalLevelsModule {}
