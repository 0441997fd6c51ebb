import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { EventsModule } from '../events/events.module';
import { GeoModule } from '../geo/geo.module';
import { OccurrencesModule } from '../occurrences/occurrences.module';
import { PublicAlertsModule } from '../public-alerts/public-alerts.module';
import { RulesModule } from '../rules/rules.module';
import { CallbackWebhookService } from './callbacks/callback-webhook.service';
import { DeliverCallbacksJob } from './callbacks/deliver-callbacks.job';
import { StatusCallbackQueueService } from './callbacks/status-callback-queue.service';
import { StatusCallbackRelay } from './callbacks/status-callback.relay';
import { ReportPublicationController } from './moderation/report-publication.controller';
import { ReportPublicationService } from './moderation/report-publication.service';
import { Open311Controller } from './open311.controller';
import { Open311RequestRepository } from './open311-request.repository';
import { Open311RequestsService } from './open311-requests.service';
import { Open311ServicesService } from './open311-services.service';
import { StatusPageController } from './status-page/status-page.controller';
import { StatusPageService } from './status-page/status-page.service';

/**
 * The Gabinete do Munícipe's integration: Open311 GeoReport v2 at /open311/v2, status
 * callbacks to integration clients' webhooks, the citizens' status page at /status, and the CGI's
 * moderation of what Open311 shows the public (/api/v1/occurrences/{id}/publication).
 */
@Module({
  imports: [AuthModule, EventsModule, GeoModule, OccurrencesModule, RulesModule, PublicAlertsModule],
  controllers: [Open311Controller, StatusPageController, ReportPublicationController],
  providers: [
    Open311ServicesService, Open311RequestRepository, Open311RequestsService, CallbackWebhookService,
    DeliverCallbacksJob, StatusCallbackQueueService, StatusCallbackRelay, StatusPageService, ReportPublicationService,
  ],
})
export class Open311Module {}
