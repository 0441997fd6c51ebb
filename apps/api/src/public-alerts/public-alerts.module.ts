import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { AlertAreaResolver } from './alert-area.resolver';
import { AlertWebhooksService } from './alert-webhooks.service';
import { PublicAlertService } from './public-alert.service';
import { PublicAlertsFeedController } from './public-alerts-feed.controller';
import { PublicAlertsController } from './public-alerts.controller';

/** Public alerts in CAP 1.2 (issue 16, ADR 0028). */
@Module({
  imports: [EventsModule],
  controllers: [PublicAlertsController, PublicAlertsFeedController],
  providers: [PublicAlertService, AlertAreaResolver, AlertWebhooksService],
  exports: [PublicAlertService],
})
export class PublicAlertsModule {}
