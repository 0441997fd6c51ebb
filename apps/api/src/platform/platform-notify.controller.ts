import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../auth/actor';
import { CurrentActor, IntegrationScope, Roles } from '../auth/auth.decorators';
import { NgsiLdException } from './ngsi-ld-exception.filter';
import { PlatformNotifyService, type NotifyOutcome } from './platform-notify.service';

/**
 * The receiver of the Urban Platform broker's notifications (the CGI's subscriptions'
 * `notification.endpoint.uri`). Authenticated by the API key the subscription's `receiverInfo`
 * makes the broker send (`X-API-Key`, scope platform:notify); no user may call it.
 */
@ApiTags('NGSI-LD (Urban Platform)')
@Controller('ngsi-ld/v1')
export class PlatformNotifyController {
  constructor(private readonly notify: PlatformNotifyService) {}

  @Post('notify')
  @HttpCode(200)
  @Roles()
  @IntegrationScope('platform:notify')
  @ApiOperation({ summary: 'NGSI-LD notification receiver: Alert entities → occurrences, Device entities → asset status (docs/api.md "NGSI-LD")' })
  take(
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Headers('link') link: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<NotifyOutcome> {
    const media = (contentType ?? '').split(';')[0].trim().toLowerCase();
    if (media !== 'application/json' && media !== 'application/ld+json') {
      throw new NgsiLdException('BadRequestData', 400, 'Send application/json or application/ld+json', [{ field: 'content-type', message: 'must be application/json or application/ld+json' }]);
    }
    return this.notify.take(body, media, link, actor);
  }
}
