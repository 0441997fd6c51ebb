import { PLACES, type ApiHarness } from '../../../../test/support/api-harness';
import { createKey, form, startOpen311Api } from './open311-support';

describe('citizen status page', () => {
  let api: ApiHarness;
  let key: string;
  beforeAll(async () => {
    api = await startOpen311Api();
    key = (await createKey(api)).key;
  });
  afterAll(() => api.close());

  async function report(service_code: string) {
    const res = await api.http().post('/open311/v2/requests.json').type('form').send(form({
      api_key: key, service_code, lat: PLACES.campanha.lat, long: PLACES.campanha.lon,
      description: 'Contentor a transbordar junto ao nº 12', first_name: 'Joana', last_name: 'Pereira', phone: '+351934567890', email: 'joana@example.pt',
    }));
    expect(res.status).toBe(201);
    const url = new URL(res.body[0].status_url as string);
    const ref: string = res.body[0].service_request_id;
    const { rows: [{ id }] } = await api.db.query(`SELECT id FROM occurrences WHERE reference = $1`, [ref]);
    return { ref, id: id as string, path: `${url.pathname}${url.search}`, token: url.searchParams.get('token')! };
  }

  it('shows status, department, dates and public notes by reference and token, and nothing personal', async () => {
    const r = await report('WASTE_OVERFLOW');
    const ops = (path: string, who: 'operator' | 'environmentAgent', body: object = {}) =>
      api.http().post(`/api/v1/occurrences/${r.id}/${path}`).set('authorization', api.auth(who)).send(body);
    await ops('triage', 'operator');
    await ops('dispatch', 'operator');
    await ops('notes', 'environmentAgent', { text: 'Recolha agendada para hoje.', visibility: 'PUBLIC' });
    await ops('notes', 'environmentAgent', { text: 'motorista de baixa', visibility: 'INTERNAL' });
    const page = await api.http().get(r.path);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.text).toContain(r.ref);
    expect(page.text).toContain('Contentor cheio');
    expect(page.text).toContain('Encaminhado para o serviço responsável');
    expect(page.text).toContain('Recolha agendada para hoje.');
    const { rows: [{ name }] } = await api.db.query(`SELECT name FROM departments WHERE code = 'ENVIRONMENT'`);
    expect(page.text).toContain(name);
    for (const personal of ['Joana', 'Pereira', '934567890', 'joana@example.pt', 'nº 12', 'motorista']) expect(page.text).not.toContain(personal);
    // Stored hashed only.
    const { rows: [{ token_hash }] } = await api.db.query(`SELECT token_hash FROM status_page_tokens WHERE occurrence_id = $1`, [r.id]);
    expect(token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(token_hash).not.toContain(r.token);
  });

  it('lists the public alerts in force (issue 16), and no longer once cancelled', async () => {
    const r = await report('WASTE_OVERFLOW');
    const before = await api.http().get(r.path);
    expect(before.text).not.toContain('Avisos públicos em vigor');
    const issued = await api.http().post('/api/v1/public-alerts').set('authorization', api.auth('supervisor')).send({
      category: ['Met'], urgency: 'Immediate', severity: 'Severe', certainty: 'Observed', expires: new Date(Date.now() + 3600_000).toISOString(),
      texts: { pt: { event: 'Cheias', headline: 'Risco de cheia <em> Campanhã', description: 'Evite a marginal.' } }, area: { parishes: ['131203'] },
    });
    expect(issued.status).toBe(201);
    const page = await api.http().get(r.path);
    expect(page.text).toContain('Avisos públicos em vigor');
    expect(page.text).toContain('Risco de cheia &lt;em&gt; Campanhã');
    await api.http().post(`/api/v1/public-alerts/${issued.body.id}/cancel`).set('authorization', api.auth('supervisor')).send({ note: 'Fim' }).expect(201);
    expect((await api.http().get(r.path)).text).not.toContain('Risco de cheia');
  });

  it('answers the same 404 for a wrong token, a missing token and an unknown reference', async () => {
    const r = await report('STREET_CLEANING');
    const wrong = await api.http().get(`/status/${r.ref}?token=${'A'.repeat(43)}`);
    const missing = await api.http().get(`/status/${r.ref}`);
    const unknown = await api.http().get(`/status/OC-2000-000001?token=${r.token}`);
    expect([wrong.status, missing.status, unknown.status]).toEqual([404, 404, 404]);
    expect(new Set([wrong.text, missing.text, unknown.text]).size).toBe(1);
  });

  it('takes a follow-up comment after closure to the lead department, for the CGI to reopen', async () => {
    const r = await report('SIGNAGE_DAMAGE');
    const ops = (path: string, who: 'operator' | 'mobilityAgent' | 'supervisor', body: object = {}) =>
      api.http().post(`/api/v1/occurrences/${r.id}/${path}`).set('authorization', api.auth(who)).send(body);
    for (const [path, who, body] of [
      ['triage', 'operator', {}], ['dispatch', 'operator', {}], ['acknowledge', 'mobilityAgent', {}],
      ['resolve', 'mobilityAgent', { note: 'feito', publicNote: 'Sinal reposto.' }], ['close', 'supervisor', {}],
    ] as const) expect((await ops(path, who, body)).status).toBe(200);
    const sent = await api.http().post(`/status/${r.ref}/comments`).type('form').send(form({ token: r.token, text: 'O sinal voltou a cair.' }));
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe(`${r.path}&sent=1`);
    const { rows } = await api.db.query(
      `SELECT type, departments, payload FROM occurrence_events WHERE occurrence_id = $1 AND type = 'NOTE_ADDED' AND payload->>'visibility' = 'CITIZEN'`, [r.id],
    );
    expect(rows).toEqual([{ type: 'NOTE_ADDED', departments: ['MOBILITY'], payload: expect.objectContaining({ text: 'O sinal voltou a cair.', reportReference: r.ref, status: 'CLOSED' }) }]);
    // The department sees it on its timeline; the CGI may reopen on it.
    const detail = await api.http().get(`/api/v1/occurrences/${r.id}`).set('authorization', api.auth('mobilityAgent'));
    expect(detail.body.timeline.map((e: { type: string }) => e.type)).toContain('NOTE_ADDED');
    expect((await ops('reopen', 'supervisor', { reason: 'Comentário do munícipe' })).status).toBe(200);
    // A citizen comment is not a note for citizens: it never becomes status_notes.
    expect((await api.http().get(`/open311/v2/requests/${r.ref}.json`)).body[0].status_notes).toBe('Sinal reposto.');
  });

  it('refuses an empty comment, or one with a wrong token, storing nothing', async () => {
    const r = await report('STREET_CLEANING');
    const before = await api.count('occurrence_events');
    expect((await api.http().post(`/status/${r.ref}/comments`).type('form').send(form({ token: r.token, text: ' ' }))).status).toBe(400);
    expect((await api.http().post(`/status/${r.ref}/comments`).type('form').send(form({ token: r.token, text: 'x'.repeat(2001) }))).status).toBe(400);
    expect((await api.http().post(`/status/${r.ref}/comments`).type('form').send(form({ token: 'B'.repeat(43), text: 'olá' }))).status).toBe(404);
    expect(await api.count('occurrence_events')).toBe(before);
  });

  it('comments on a linked duplicate reach the occurrence being worked on', async () => {
    const parent = await report('ILLEGAL_DUMPING');
    const child = await report('ILLEGAL_DUMPING');
    const page = await api.http().get(child.path);
    expect(page.text).toContain(parent.ref);
    await api.http().post(`/status/${child.ref}/comments`).type('form').send(form({ token: child.token, text: 'Há mais sacos.' })).expect(303);
    const { rows } = await api.db.query(`SELECT occurrence_id FROM occurrence_events WHERE payload->>'text' = 'Há mais sacos.'`);
    expect(rows).toEqual([{ occurrence_id: parent.id }]);
  });
});
