import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { PublicAlertView } from '@cgi/shared';
import { ApiRequestError, type ApiClient } from '../api/api-client';
import { ReferenceProvider } from '../api/reference';
import { OccurrenceStore } from '../live/occurrence-store';
import { syncSchedule } from '../testing/fixtures';
import { renderWithConsole } from '../testing/render';
import { PublicAlertsPanel } from './public-alerts';

const PARISHES = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { code: '131203', name: 'Campanhã', shortName: 'Campanhã' }, geometry: { type: 'Polygon', coordinates: [] } },
    { type: 'Feature', properties: { code: '131202', name: 'Bonfim', shortName: 'Bonfim' }, geometry: { type: 'Polygon', coordinates: [] } },
  ],
};

function fakeApi(post: ReturnType<typeof vi.fn>, inForce: PublicAlertView[] = []): ApiClient {
  const get = vi.fn(async (path: string) => {
    if (path === '/reference/parishes') return PARISHES;
    if (path === '/public-alerts') return inForce;
    if (path === '/reference/categories') return { categories: [] };
    if (path === '/operational-levels') return [];
    throw new Error(`unexpected GET ${path}`);
  });
  return { get, post } as unknown as ApiClient;
}

function renderPanel(api: ApiClient, canIssue = true): void {
  renderWithConsole(<ReferenceProvider api={api}>{() => <PublicAlertsPanel api={api} canIssue={canIssue} occurrences={[]} />}</ReferenceProvider>, { api, store: new OccurrenceStore(syncSchedule) });
}

describe('PublicAlertsPanel: the supervisor\'s "Aviso público"', () => {
  it('sends the draft with the picked parishes, the pt text and the en text', async () => {
    const post = vi.fn(async () => ({}));
    renderPanel(fakeApi(post));
    const form = await screen.findByRole('form', { name: 'Aviso público' });
    await userEvent.click(await within(form).findByLabelText('Campanhã'));
    const pt = within(screen.getByRole('group', { name: 'Português (obrigatório)' }));
    await userEvent.type(pt.getByLabelText('Evento'), 'Cheias');
    await userEvent.type(pt.getByLabelText('Título'), 'Risco de cheia');
    await userEvent.type(pt.getByLabelText('Descrição'), 'Subida do caudal.');
    const en = within(screen.getByRole('group', { name: 'Inglês (opcional)' }));
    await userEvent.type(en.getByLabelText('Título'), 'Flood risk');
    await userEvent.selectOptions(within(form).getByLabelText('Gravidade'), 'Severe');
    await userEvent.click(within(form).getByRole('button', { name: 'Emitir aviso' }));
    await waitFor(() => expect(post).toHaveBeenCalledTimes(1));
    const [path, body] = post.mock.calls[0] as unknown as [string, Record<string, unknown>];
    expect(path).toBe('/public-alerts');
    expect(body).toMatchObject({
      severity: 'Severe',
      area: { parishes: ['131203'] },
      texts: { pt: { event: 'Cheias', headline: 'Risco de cheia', description: 'Subida do caudal.' }, en: { headline: 'Flood risk' } },
    });
  });

  it('a circle: centre from lat/lon (or a map click), radius in km', async () => {
    const post = vi.fn(async () => ({}));
    renderPanel(fakeApi(post));
    const form = await screen.findByRole('form', { name: 'Aviso público' });
    await userEvent.click(within(form).getByLabelText('Círculo'));
    const circle = within(screen.getByRole('group', { name: 'Círculo' }));
    await userEvent.type(circle.getByLabelText('lat'), '41.1487');
    await userEvent.type(circle.getByLabelText('lon'), '-8.5853');
    await userEvent.clear(circle.getByLabelText('Raio (km)'));
    await userEvent.type(circle.getByLabelText('Raio (km)'), '1.5');
    await userEvent.click(within(form).getByRole('button', { name: 'Emitir aviso' }));
    await waitFor(() => expect(post).toHaveBeenCalledTimes(1));
    expect((post.mock.calls[0] as unknown as [string, { area: unknown }])[1].area).toEqual({ circle: { lat: 41.1487, lon: -8.5853, radiusKm: 1.5 } });
  });

  it('shows the field the API refused, under its fieldset', async () => {
    const post = vi.fn(async () => {
      throw new ApiRequestError(400, { error: { code: 'VALIDATION_FAILED', message: 'Invalid public alert: area', correlationId: 'c', fields: [{ field: 'area', message: 'exactly one of parishes, polygon, circle' }] } });
    });
    renderPanel(fakeApi(post));
    const form = await screen.findByRole('form', { name: 'Aviso público' });
    await userEvent.click(within(form).getByRole('button', { name: 'Emitir aviso' }));
    expect(await within(screen.getByRole('group', { name: 'Freguesias abrangidas' })).findByText('exactly one of parishes, polygon, circle')).toBeInTheDocument();
  });

  it('an operator reads the alerts in force but has no form', async () => {
    renderPanel(fakeApi(vi.fn()), false);
    expect(await screen.findByText('Apenas supervisores CGI emitem avisos públicos')).toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Aviso público' })).toBeNull();
  });
});
