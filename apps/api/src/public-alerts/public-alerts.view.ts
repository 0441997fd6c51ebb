import type { PublicAlertView } from '@cgi/shared';
import { escapeHtml, htmlPage } from '../open311/status-page/status-page.view';

const date = (iso: string): string => new Intl.DateTimeFormat('pt-PT', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Lisbon' }).format(new Date(iso));

/** The alerts in force as HTML (the public page and the citizens' status page); empty when none. */
export function renderAlertsSection(alerts: PublicAlertView[]): string {
  if (alerts.length === 0) return '';
  const items = alerts.map((a) => {
    const t = a.draft.texts.pt;
    return `<li class="alert" data-identifier="${escapeHtml(a.identifier)}"><strong>${escapeHtml(t.headline)}</strong>
<p>${escapeHtml(t.description)}</p>${t.instruction ? `<p><em>${escapeHtml(t.instruction)}</em></p>` : ''}
<p>${escapeHtml(a.areas.map((x) => x.description.pt).join(', '))} — até ${escapeHtml(date(a.expires))}</p></li>`;
  });
  return `<section aria-label="Avisos públicos em vigor"><h2>Avisos públicos em vigor</h2><ul>${items.join('')}</ul></section>`;
}

/** GET /public/alerts: the citizens' page of the alerts in force, with links to the feeds. */
export function renderPublicAlertsPage(alerts: PublicAlertView[]): string {
  return htmlPage('Avisos públicos — Porto', `
<h1>Avisos públicos — Porto</h1>
${alerts.length ? renderAlertsSection(alerts) : '<p>Nenhum aviso público em vigor.</p>'}
<p><a href="/public/alerts/feed.atom">Atom (CAP 1.2)</a> · <a href="/public/alerts.json">JSON</a></p>`);
}
