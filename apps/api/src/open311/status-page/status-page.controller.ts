import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../../auth/auth.decorators';
import { PublicAlertService } from '../../public-alerts/public-alert.service';
import { renderAlertsSection } from '../../public-alerts/public-alerts.view';
import { renderInvalid, renderNotFound, renderStatusPage } from './status-page.view';
import { StatusPageService } from './status-page.service';

const MAX_COMMENT = 2000;

function html(reply: FastifyReply, status: number, body: string): void {
  void reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-robots-tag', 'noindex')
    .send(body);
}

/**
 * The citizen's status page (links sent by SMS/e-mail): /status/{reference}?token={secret}.
 * Public to the guard (rate-limited per IP); a wrong token and an unknown reference look the same.
 */
@ApiExcludeController()
@Public()
@Controller('status')
export class StatusPageController {
  constructor(
    private readonly pages: StatusPageService,
    private readonly alerts: PublicAlertService,
  ) {}

  @Get(':reference')
  async show(@Param('reference') reference: string, @Query('token') token: unknown, @Query('sent') sent: unknown, @Res() reply: FastifyReply): Promise<void> {
    const view = typeof token === 'string' ? await this.pages.view(reference, token) : null;
    if (!view) return html(reply, 404, renderNotFound());
    // The alerts in force (issue 16) head the citizen's page too.
    const alerts = renderAlertsSection(await this.alerts.list(false));
    html(reply, 200, renderStatusPage(view, token as string, sent === '1' ? 'Comentário enviado ao serviço responsável. Obrigado.' : null, alerts));
  }

  @Post(':reference/comments')
  async comment(@Param('reference') reference: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    const token = typeof body.token === 'string' ? body.token : '';
    const text = typeof body.text === 'string' ? body.text.trim() : '';
    if (!text || text.length > MAX_COMMENT) {
      return html(reply, 400, renderInvalid(`text: o comentário deve ter entre 1 e ${MAX_COMMENT} caracteres.`));
    }
    if (!(await this.pages.comment(reference, token, text))) return html(reply, 404, renderNotFound());
    void reply
      .status(303)
      .header('location', `/status/${encodeURIComponent(reference)}?token=${encodeURIComponent(token)}&sent=1`)
      .header('cache-control', 'no-store')
      .send();
  }
}
