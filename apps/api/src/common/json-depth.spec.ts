import { tooDeep } from './json-depth';

const nestArrays = (n: number): unknown => JSON.parse('['.repeat(n) + ']'.repeat(n));
const nestObjects = (n: number): unknown => JSON.parse('{"a":'.repeat(n) + '1' + '}'.repeat(n));

describe('tooDeep', () => {
  it('accepts bodies up to the limit, arrays and objects alike', () => {
    expect(tooDeep(nestArrays(32))).toBeNull();
    expect(tooDeep({ location: { lat: 1, lon: 2 }, flags: ['a'] })).toBeNull();
    expect(tooDeep('text')).toBeNull();
    expect(tooDeep(null)).toBeNull();
  });

  it('names the top-level field the excess is under, or the body', () => {
    expect(tooDeep(nestArrays(33))).toEqual({ field: 'body', message: expect.stringContaining('32') });
    expect(tooDeep({ description: 'x', reporter: nestObjects(40) })?.field).toBe('reporter');
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    expect(tooDeep(nestArrays(100_000))?.field).toBe('body');
    expect(tooDeep({ a: nestObjects(50_000) })?.field).toBe('a');
  });
});
