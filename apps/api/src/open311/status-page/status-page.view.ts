import type { OccurrenceStatus } from '@cgi/shared';
import { STATUS_PAGE_CSS_PATH } from './status-page.assets';
import type { StatusPageView } from './status-page.service';

/** The lifecycle in words a citizen understands. */
const STATUS_PT: Record<OccurrenceStatus, string> = {
  NEW: 'Recebido',
  TRIAGED: 'Em análise',
  DISPATCHED: 'Encaminhado para o serviço responsável',
  ACKNOWLEDGED: 'Em curso',
  ON_SCENE: 'Em curso — equipa no local',
  RESOLVED: 'Resolvido',
  CLOSED: 'Encerrado',
  CANCELLED: 'Anulado',
  MERGED: 'Associado a outra ocorrência',
};

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const date = (d: Date | null): string =>
  d ? new Intl.DateTimeFormat('pt-PT', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Lisbon' }).format(d) : '—';

export const htmlPage = (title: string, body: string): string => `<!doctype html>
<html lang="pt">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${STATUS_PAGE_CSS_PATH}"></head>
<body>${body}</body></html>`;

export function renderStatusPage(v: StatusPageView, token: string, flash: string | null, alertsHtml = ''): string {
  const notes = v.notes.length
    ? `<ul>${v.notes.map((n) => `<li><time>${escapeHtml(date(n.at))}</time> — ${escapeHtml(n.text)}</li>`).join('')}</ul>`
    : '<p>Sem notas públicas.</p>';
  const action = `/status/${encodeURIComponent(v.reference)}/comments`;
  return htmlPage(`Pedido ${v.reference}`, `
<h1>Pedido ${escapeHtml(v.reference)}</h1>
${flash ? `<p class="ok">${escapeHtml(flash)}</p>` : ''}
<dl>
<dt>Assunto</dt><dd>${escapeHtml(v.serviceName)}</dd>
<dt>Estado</dt><dd id="estado">${escapeHtml(STATUS_PT[v.status])}</dd>
${v.linkedTo ? `<dt>Situação já conhecida</dt><dd>O seu pedido acompanha a ocorrência ${escapeHtml(v.linkedTo)}.</dd>` : ''}
<dt>Serviço responsável</dt><dd>${escapeHtml(v.department ?? '—')}</dd>
${v.parish ? `<dt>Freguesia</dt><dd>${escapeHtml(v.parish)}</dd>` : ''}
<dt>Registado em</dt><dd>${escapeHtml(date(v.requestedAt))}</dd>
<dt>Última atualização</dt><dd>${escapeHtml(date(v.updatedAt))}</dd>
<dt>Resolução prevista até</dt><dd>${escapeHtml(date(v.expectedAt))}</dd>
</dl>
${alertsHtml}
<h2>Notas do serviço</h2>
${notes}
<h2>Acrescentar um comentário</h2>
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="token" value="${escapeHtml(token)}">
<label for="text">O seu comentário (até 2000 caracteres; não inclua dados pessoais)</label>
<textarea id="text" name="text" maxlength="2000" required></textarea>
<button type="submit">Enviar</button>
</form>`);
}

export function renderNotFound(): string {
  return htmlPage('Pedido não encontrado', '<h1>Pedido não encontrado</h1><p>Verifique a ligação que recebeu por SMS ou e-mail.</p>');
}

export function renderInvalid(message: string): string {
  return htmlPage('Comentário inválido', `<h1>Comentário inválido</h1><p>${escapeHtml(message)}</p>`);
}
