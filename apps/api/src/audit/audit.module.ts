import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { SecurityAuditService } from './security-audit.service';

/** Global: every feature that changes something security-relevant records it here. */
@Global()
@Module({
  controllers: [AuditController],
  providers: [SecurityAuditService],
  exports: [SecurityAuditService],
})
export class AuditModule {}
