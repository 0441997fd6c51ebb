import { Module } from '@nestjs/common';
import { EventLogService } from './event-log.service';
import { EventsController } from './events.controller';

@Module({ controllers: [EventsController], providers: [EventLogService], exports: [EventLogService] })
export class EventsModule {}
