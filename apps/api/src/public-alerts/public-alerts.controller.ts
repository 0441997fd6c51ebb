import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { PublicAlertView } from '@cgi/shared';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { notFound } from '../common/domain.exception';
import { AlertWebhooksService, type AlertSubscriberView } from './alert-webhooks.service';
import { PublicAlertService } from './public-alert.service';

/** Public alerts in CAP 1.2 (docs/api.md "Public alerts (CAP 1.2)"): supervisors issue, update, cancel. */
@ApiTags('public alerts')
@ApiBearerAuth()
@Controller('public-alerts')
export class PublicAlertsController {
  constructor(
    private readonly alerts: PublicAlertService,
    private readonly webhooks: AlertWebhooksService,
  ) {}

  /** Drafts and issues an alert (CAP msgType Alert). */
  @Post()
  @Roles('CGI_SUPERVISOR', 'ADMIN')
  issue(@Body() body: unknown, @CurrentActor() actor: Actor): Promise<PublicAlertView> {
    return this.alerts.issue(body, actor);
  }

  /** `{ draft, note? }`: the alert as it now stands (CAP Update referencing every earlier message). */
  @Post(':id/update')
  @Roles('CGI_SUPERVISOR', 'ADMIN')
  update(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor): Promise<PublicAlertView> {
    return this.alerts.update(id, body, actor);
  }

  /** `{ note }`: why (CAP Cancel referencing every earlier message). */
  @Post(':id/cancel')
  @Roles('CGI_SUPERVISOR', 'ADMIN')
  cancel(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor): Promise<PublicAlertView> {
    return this.alerts.cancel(id, body, actor);
  }

  /** `?state=all` for every alert; in force by default. */
  @Get()
  list(@Query('state') state?: string): Promise<PublicAlertView[]> {
    return this.alerts.list(state === 'all');
  }

  @Get('subscribers')
  @Roles('ADMIN')
  subscribers(): Promise<AlertSubscriberView[]> {
    return this.webhooks.list();
  }

  /** `{ name, url }`: registers (or replaces) a webhook subscriber; the secret is shown once. */
  @Post('subscribers')
  @Roles('ADMIN')
  subscribe(@Body() body: { name?: unknown; url?: unknown } | undefined): Promise<AlertSubscriberView> {
    return this.webhooks.register(body?.name, body?.url);
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<PublicAlertView> {
    const alert = await this.alerts.get(id);
    if (!alert) throw notFound(`Public alert ${id}`);
    return alert;
  }
}
