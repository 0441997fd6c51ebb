import type { NotificationView } from '@cgi/shared';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { DataSource } from 'typeorm';
import { isCgi, isDepartmentRole, type Actor } from '../auth/actor';
import { CurrentActor } from '../auth/auth.decorators';

export class ListNotificationsQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;
}


/**
 * In-app escalation notifications (written by the escalation worker), newest first. CGI roles see
 * every one; a department agent those addressed to the department, its supervisor also those
 * addressed to the department's supervisor.
 */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  @Get()
  async list(@Query() q: ListNotificationsQuery, @CurrentActor() actor: Actor): Promise<NotificationView[]> {
    if (!isCgi(actor) && !isDepartmentRole(actor)) return [];
    const rows: Array<{ id: string; occurrence_id: string; level: string; recipient_kind: string; recipient_department: string | null; message: string; created_at: Date }> =
      await this.ds.query(
        `SELECT id, occurrence_id, level, recipient_kind, recipient_department, message, created_at FROM notifications
          WHERE channel = 'IN_APP'
            AND ($1::boolean OR (recipient_department = $2 AND (recipient_kind <> 'DEPARTMENT_SUPERVISOR' OR $3::boolean)))
          ORDER BY created_at DESC, id LIMIT $4`,
        [isCgi(actor), actor.department, actor.role === 'DEPARTMENT_SUPERVISOR', q.limit ?? 50],
      );
    return rows.map((r) => ({
      id: r.id, occurrenceId: r.occurrence_id, level: r.level, recipientKind: r.recipient_kind,
      recipientDepartment: r.recipient_department, message: r.message, createdAt: r.created_at.toISOString(),
    }));
  }
}
