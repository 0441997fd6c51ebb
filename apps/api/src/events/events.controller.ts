import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import type { OccurrenceEventView } from '@cgi/shared';
import { isDepartmentRole, type Actor } from '../auth/actor';
import { CurrentActor } from '../auth/auth.decorators';
import { EventLogService } from './event-log.service';
import { parsePosition, START_POSITION } from './event-position';

export class ReadEventsQuery {
  @IsOptional()
  @Matches(/^\d{1,20}\.\d{1,20}$/, { message: 'after must be a position "<txId>.<seq>" from a previous event' })
  after?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  limit?: number;
}

@ApiTags('events')
@ApiBearerAuth()
@Controller('events')
export class EventsController {
  constructor(private readonly log: EventLogService) {}

  /** The event log after a position, in global order; department roles get their department's events. */
  @Get()
  read(@Query() q: ReadEventsQuery, @CurrentActor() actor: Actor): Promise<OccurrenceEventView[]> {
    const after = q.after ? parsePosition(q.after)! : START_POSITION;
    return this.log.readAfter(after, q.limit ?? 200, isDepartmentRole(actor) ? [actor.department!] : undefined);
  }
}
