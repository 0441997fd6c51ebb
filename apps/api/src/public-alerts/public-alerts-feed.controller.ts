import { createHash } from 'node:crypto';
import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { atomFeed, CAP_CONTENT_TYPE } from '@cgi/domain';
import type { PublicAlertView } from '@cgi/shared';
import { Public } from '../auth/auth.decorators';
import { Env } from '../config/env';
import { PublicAlertService, SENDER_NAME } from './public-alert.service';
import { renderPublicAlertsPage } from './public-alerts.view';

/** What the public JSON shows of an alert (no actor labels). */
export interface PublicAlertSummary {
  identifier: string;
  msgType: PublicAlertView['msgType'];
  state: PublicAlertView['state'];
  urgency: string;
  severity: string;
  certainty: string;
  category: string[];
  effective: string;
  onset: string | null;
  expires: string;
  texts: PublicAlertView['draft']['texts'];
  areas: Array<{ description: { pt: string; en?: string }; parishCode?: string }>;
  web: string | null;
  xmlUrl: string;
}

/**
 * The public face of the alerts, unauthenticated: each message's CAP XML (immutable), the Atom
 * feed of the alerts in force (what alert hubs poll: each entry links its CAP XML, type
 * application/cap+xml) and JSON. Short public caching with an ETag; If-None-Match → 304.
 */
@ApiExcludeController()
@Public()
@Controller('public')
export class PublicAlertsFeedController {
  constructor(
    private readonly alerts: PublicAlertService,
    private readonly env: Env,
  ) {}

  /** The citizens' page of the alerts in force. */
  @Get('alerts')
  async page(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(req, reply, 'text/html; charset=utf-8', renderPublicAlertsPage(await this.alerts.list(false)), 'public, max-age=30');
  }

  @Get('alerts/feed.atom')
  async feed(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const alerts = await this.alerts.feedAlerts();
    const updated = alerts.reduce((max, a) => (a.messages[a.messages.length - 1].sent > max ? a.messages[a.messages.length - 1].sent : max), '1970-01-01T00:00:00+00:00');
    const selfUrl = `${this.env.PUBLIC_BASE_URL}/public/alerts/feed.atom`;
    const xml = atomFeed(
      { id: selfUrl, selfUrl, title: `Avisos públicos — ${SENDER_NAME.pt}`, author: SENDER_NAME.pt, updated },
      alerts.map((a) => {
        const last = a.messages[a.messages.length - 1];
        return {
          identifier: a.identifier,
          updated: last.sent,
          headline: a.msgType === 'Cancel' ? `Cancelado: ${a.draft.texts.pt.headline}` : a.draft.texts.pt.headline,
          summary: a.areas.map((x) => x.description.pt).join(', '),
          capUrl: last.xmlUrl,
          severity: a.draft.severity,
          urgency: a.draft.urgency,
          expires: a.expires,
        };
      }),
    );
    send(req, reply, 'application/atom+xml; charset=utf-8', xml, 'public, max-age=30');
  }

  @Get('alerts/:file')
  async xml(@Param('file') file: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const xml = file.endsWith('.xml') ? await this.alerts.xml(file.slice(0, -4)) : null;
    if (!xml) {
      void reply.status(404).header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'no-store').send('Not found');
      return;
    }
    // A message never changes once issued.
    send(req, reply, `${CAP_CONTENT_TYPE}; charset=utf-8`, xml, 'public, max-age=86400, immutable');
  }

  @Get('alerts.json')
  async json(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const alerts = await this.alerts.list(false);
    const body: PublicAlertSummary[] = alerts.map((a) => ({
      identifier: a.identifier,
      msgType: a.msgType,
      state: a.state,
      urgency: a.draft.urgency,
      severity: a.draft.severity,
      certainty: a.draft.certainty,
      category: a.draft.category,
      effective: a.effective,
      onset: a.onset,
      expires: a.expires,
      texts: a.draft.texts,
      areas: a.areas.map((x) => ({ description: x.description, ...(x.parishCode ? { parishCode: x.parishCode } : {}) })),
      web: a.draft.web ?? null,
      xmlUrl: a.messages[a.messages.length - 1].xmlUrl,
    }));
    send(req, reply, 'application/json; charset=utf-8', JSON.stringify({ alerts: body }), 'public, max-age=30');
  }
}

function send(req: FastifyRequest, reply: FastifyReply, type: string, body: string, cache: string): void {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  void reply.header('etag', etag).header('cache-control', cache).header('access-control-allow-origin', '*');
  if (req.headers['if-none-match'] === etag) {
    void reply.status(304).send();
    return;
  }
  void reply.status(200).header('content-type', type).send(body);
}
