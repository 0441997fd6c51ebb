import { randomBytes } from 'node:crypto';
import { RetentionJob } from '../src/privacy/retention.job';
import { PrivacyJob } from '../src/privacy/privacy.queue';
import { RetentionService } from '../src/privacy/retention.service';
import { PLACES, startApi, type ApiHarness } from '../../../test/support/api-harness';

const DAY = 86400_000;

describe('GDPR retention of reporter contacts', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ RATE_LIMIT_KEY_PREFIX: `test:${randomBytes(4).toString('hex')}`, RETENTION_JOB_CRON: 'off' });
  });
  afterAll(() => api.close());

  async function reported(name: string): Promise<string> {
    const res = await api.http().post('/api/v1/occurrences').set('authorization', api.auth('operator'))
      .send({ category: 'ROAD_DAMAGE', location: PLACES.paranhos, description: name, reporter: { name, phone: '+351 912 345 678', email: `${name}@example.pt` } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }
  const end = (id: string, status: string, at: Date, parentId: string | null = null) =>
    api.db.query(`UPDATE occurrences SET status = $2, closed_at = CASE WHEN $2 = 'CLOSED' THEN $3::timestamptz END, updated_at = $3, parent_id = $4 WHERE id = $1`, [id, status, at, parentId]);
  const contact = async (id: string) =>
    (await api.db.query(`SELECT name, phone, email, anonymised_at FROM reporter_contacts WHERE occurrence_id = $1`, [id])).rows[0];

  it('anonymises exactly the contacts of occurrences ended more than RETENTION_DAYS_AFTER_CLOSURE ago, once', async () => {
    const now = new Date('2030-06-01T03:17:00Z');
    const limit = new Date(now.getTime() - 730 * DAY);
    const justPast = new Date(limit.getTime() - 1000);
    const justWithin = new Date(limit.getTime() + 1000);

    const closedOld = await reported('closedold');
    const closedRecent = await reported('closedrecent');
    const cancelledOld = await reported('cancelledold');
    const openOld = await reported('openold');
    const parentClosedOld = await reported('parentclosedold');
    const mergedIntoOld = await reported('mergedintoold');
    const parentOpen = await reported('parentopen');
    const mergedIntoOpen = await reported('mergedintoopen');
    await end(closedOld, 'CLOSED', justPast);
    await end(closedRecent, 'CLOSED', justWithin);
    await end(cancelledOld, 'CANCELLED', justPast);
    await api.db.query(`UPDATE occurrences SET created_at = $2, updated_at = $2 WHERE id = $1`, [openOld, new Date(now.getTime() - 3000 * DAY)]);
    await end(parentClosedOld, 'CLOSED', justPast);
    await end(mergedIntoOld, 'MERGED', justWithin, parentClosedOld);
    await end(mergedIntoOpen, 'MERGED', justPast, parentOpen);

    const service = api.app.get(RetentionService);
    expect(await service.anonymiseExpired(now)).toBe(4);

    for (const id of [closedOld, cancelledOld, parentClosedOld, mergedIntoOld]) {
      expect(await contact(id)).toEqual({ name: null, phone: null, email: null, anonymised_at: now });
    }
    for (const [id, name] of [[closedRecent, 'closedrecent'], [openOld, 'openold'], [parentOpen, 'parentopen'], [mergedIntoOpen, 'mergedintoopen']]) {
      expect(await contact(id)).toMatchObject({ name, email: `${name}@example.pt`, anonymised_at: null });
    }
    // Idempotent: a second run (a retried job) changes nothing.
    expect(await service.anonymiseExpired(now)).toBe(0);
    expect((await contact(closedOld)).anonymised_at).toEqual(now);
    // Audited with the count.
    const { rows } = await api.db.query(`SELECT actor, details FROM security_audit_log WHERE action = 'PERSONAL_DATA_ANONYMISED' ORDER BY id`);
    expect(rows.map((r) => r.details.count)).toEqual([4, 0]);
    expect(rows[0]).toMatchObject({ actor: 'system:retention', details: { retentionDays: 730 } });
    // The CGI now reads an empty contact.
    const read = await api.http().get(`/api/v1/occurrences/${closedOld}/reporter`).set('authorization', api.auth('operator'));
    expect(read.body).toEqual({ name: null, phone: null, email: null });
  });

  it('the job handler runs the retention and refuses an unknown job name', async () => {
    const job = api.app.get(RetentionJob);
    await expect(job.handle(PrivacyJob.AnonymiseExpiredContacts)).resolves.toEqual({ anonymised: expect.any(Number) });
    await expect(job.handle('something-else')).rejects.toThrow(/no handler/);
  });
});
