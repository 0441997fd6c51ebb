import { DEFAULT_RULE_SET } from '../routing/default-rule-set';
import { open311Status, parseAttributes, serviceAttributes } from './open311';

const category = (code: string) => {
  const c = DEFAULT_RULE_SET.categories.find((x) => x.code === code);
  if (!c) throw new Error(code);
  return c;
};

describe('open311Status', () => {
  it.each([
    ['NEW', 'open'], ['TRIAGED', 'open'], ['DISPATCHED', 'open'], ['ACKNOWLEDGED', 'open'], ['ON_SCENE', 'open'],
    ['RESOLVED', 'closed'], ['CLOSED', 'closed'], ['CANCELLED', 'closed'],
  ] as const)('%s reads as %s', (internal, expected) => {
    expect(open311Status(internal)).toBe(expected);
  });
});

describe('serviceAttributes', () => {
  it('asks civil-protection categories about traffic and people at risk', () => {
    expect(serviceAttributes(category('FLOODING')).map((a) => [a.code, a.order])).toEqual([['bloqueia_via', 1], ['pessoas_em_risco', 2]]);
  });
  it('asks Mobility categories about traffic only', () => {
    expect(serviceAttributes(category('ROAD_OBSTRUCTION')).map((a) => a.code)).toEqual(['bloqueia_via']);
  });
  it('asks nothing of a routine category', () => {
    expect(serviceAttributes(category('WASTE_OVERFLOW'))).toEqual([]);
  });
});

describe('parseAttributes', () => {
  it('turns answers into routing flags', () => {
    const r = parseAttributes(category('FLOODING'), { bloqueia_via: 'sim', pessoas_em_risco: '12' });
    expect(r.errors).toEqual([]);
    expect(r.flags).toEqual({ blocksTraffic: true, peopleAtRisk: 12 });
    expect(r.accepted).toEqual({ bloqueia_via: 'sim', pessoas_em_risco: '12' });
  });
  it('names the attribute field of every wrong answer', () => {
    const r = parseAttributes(category('FLOODING'), { bloqueia_via: 'talvez', pessoas_em_risco: '-3', cor: 'azul' });
    expect(r.errors.map((e) => e.field)).toEqual(['attribute[bloqueia_via]', 'attribute[pessoas_em_risco]', 'attribute[cor]']);
    expect(r.flags).toEqual({});
  });
  it('refuses attributes on a category that has none', () => {
    expect(parseAttributes(category('WASTE_OVERFLOW'), { bloqueia_via: 'sim' }).errors).toHaveLength(1);
  });
});
