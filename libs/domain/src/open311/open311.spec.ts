import { DEFAULT_RULE_SET } from '../routing/default-rule-set';
import { coarseCoordinate, open311Status, parseAttributes, serviceAttributes, streetOf } from './open311';

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

describe('streetOf', () => {
  it.each([
    ['LG CRUZINHO 26', 'LG CRUZINHO'],
    ['Rua de Santa Catarina 312, 2º Esq, Porto', 'Rua de Santa Catarina'],
    ['Rua de Santa Catarina, 312', 'Rua de Santa Catarina'],
    ['R STO ANTÓNIO DE CONTUMIL 249 251', 'R STO ANTÓNIO DE CONTUMIL'],
    ['TV S VITOR 22 CASA', 'TV S VITOR'],
    ['R S VITOR 3A', 'R S VITOR'],
    ['R COSTA CABRAL 249-251', 'R COSTA CABRAL'],
    ['Rua do Almada nº 12', 'Rua do Almada'],
    ['R 31 DE JANEIRO 12', 'R 31 DE JANEIRO'],
    ['AV 5 DE OUTUBRO', 'AV 5 DE OUTUBRO'],
    ['Rua de Santa Catarina', 'Rua de Santa Catarina'],
    ['26', null],
    ['  ', null],
    [null, null],
  ])('%s → %s', (address, street) => {
    expect(streetOf(address)).toBe(street);
  });
});

describe('coarseCoordinate', () => {
  it('rounds to 0.001°', () => {
    expect(coarseCoordinate(41.164567)).toBe(41.165);
    expect(coarseCoordinate(-8.590596)).toBe(-8.591);
    expect(coarseCoordinate(41.1575)).toBe(41.158);
  });
});
