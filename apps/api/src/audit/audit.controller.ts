import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { Roles } from '../auth/auth.decorators';
import { AUDIT_ACTIONS, SecurityAuditService, type AuditAction, type AuditRecordView } from './security-audit.service';

export class ListAuditQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;

  @IsOptional() @Matches(/^\d{1,19}$/, { message: 'before must be an audit entry id' })
  before?: string;

  @IsOptional() @IsIn(AUDIT_ACTIONS)
  action?: AuditAction;
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: SecurityAuditService) {}

  /** The security audit log, newest first, paged by `before`. */
  @Get()
  @Roles('ADMIN', 'CGI_SUPERVISOR')
  list(@Query() q: ListAuditQuery): Promise<{ items: AuditRecordView[]; nextBefore: string | null }> {
    return this.audit.list({ limit: q.limit ?? 100, before: q.before, action: q.action });
  }
}
