import { compareLivePositions, isLivePosition, LiveCursor } from './live-cursor';

describe('live feed positions', () => {
  it('compares as pairs of integers, not as text', () => {
    expect(compareLivePositions('9.5', '10.1')).toBe(-1);
    expect(compareLivePositions('10.12', '10.9')).toBe(1);
    expect(compareLivePositions('18446744073709551615.1', '18446744073709551614.9')).toBe(1);
    expect(compareLivePositions('7.7', '7.7')).toBe(0);
  });

  it('refuses what is not a position', () => {
    expect(isLivePosition('1.2')).toBe(true);
    expect(isLivePosition('1')).toBe(false);
    expect(isLivePosition('a.b')).toBe(false);
    expect(() => compareLivePositions('1.2', 'x')).toThrow(/x/);
    expect(() => new LiveCursor('nope')).toThrow(/nope/);
  });
});

describe('LiveCursor', () => {
  it('accepts each position once, in increasing order, and drops anything not newer', () => {
    const c = new LiveCursor();
    const seen = ['5.1', '5.2', '5.2', '4.9', '10.1', '9.99', '10.2'].filter((p) => c.accept(p));
    expect(seen).toEqual(['5.1', '5.2', '10.1', '10.2']);
    expect(c.position).toBe('10.2');
  });

  it('heartbeats move forward only; reset starts over', () => {
    const c = new LiveCursor('3.3');
    c.advanceTo('2.0');
    expect(c.position).toBe('3.3');
    c.advanceTo('8.0');
    expect(c.position).toBe('8.0');
    expect(c.accept('7.9')).toBe(false);
    c.reset('1.0');
    expect(c.accept('2.0')).toBe(true);
  });
});
