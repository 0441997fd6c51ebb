import { Module } from '@nestjs/common';
import { RetentionJob } from './retention.job';
import { RetentionService } from './retention.service';

@Module({
  providers: [RetentionService, RetentionJob],
  exports: [RetentionService],
})
export class PrivacyModule {}
