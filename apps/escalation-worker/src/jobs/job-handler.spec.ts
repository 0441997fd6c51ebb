import { checkHandlers, type JobHandler } from './job-handler';
import { JobName } from './job-names';

const handler = (jobName: JobName, name = 'H'): JobHandler =>
  Object.assign(Object.create({ constructor: { name } }) as object, { jobName, handle: async () => undefined }) as JobHandler;

describe('the worker refuses to start unless every job name has exactly one handler', () => {
  const all = Object.values(JobName);

  it('accepts one handler per job name', () => {
    expect(checkHandlers(all.map((n) => handler(n)), all).size).toBe(all.length);
  });

  it('refuses a job name with no handler', () => {
    expect(() => checkHandlers(all.slice(1).map((n) => handler(n)), all)).toThrow(`job ${all[0]} has no handler`);
  });

  it('refuses a job name with two handlers', () => {
    expect(() => checkHandlers([...all.map((n) => handler(n)), handler(all[2])], all)).toThrow(`job ${all[2]} has two handlers`);
  });
});
