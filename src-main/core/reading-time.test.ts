import { describe, expect, it } from 'vitest';
import { clockAt, formatStart, parseGoTo } from './reading-time';

describe('clock time', () => {
  it("counts from the recording's start, across midnight, never in this machine's zone", () => {
    expect(clockAt('2024-05-17T23:59:50', 0)).toBe('23:59:50');
    expect(clockAt('2024-05-17T23:59:50', 12.34)).toBe('00:00:02');
    expect(clockAt('2024-05-17T23:59:50', 12.34, true)).toBe('00:00:02.3');
    expect(clockAt(undefined, 5)).toBeNull();
    expect(clockAt('garbled', 5)).toBeNull();
    expect(formatStart('2024-05-17T23:59:50')).toBe('2024-05-17 23:59:50');
  });
});

describe('go to', () => {
  const start = '2024-05-17T23:59:50';
  it('reads a time of day as clock time when the start is known, the first such moment from the start', () => {
    expect(parseGoTo('00:00:10', start, 120)).toEqual({ ok: true, sec: 20 });
    expect(parseGoTo('23:59:55', start, 120)).toEqual({ ok: true, sec: 5 });
    expect(parseGoTo(' 00:01 ', start, 120)).toEqual({ ok: true, sec: 70 });
  });

  it('reads +m:ss and plain seconds as an offset, and m:ss too without a start', () => {
    expect(parseGoTo('+1:30', start, 120)).toEqual({ ok: true, sec: 90 });
    expect(parseGoTo('42.5', start, 120)).toEqual({ ok: true, sec: 42.5 });
    expect(parseGoTo('1:30', undefined, 120)).toEqual({ ok: true, sec: 90 });
    expect(parseGoTo('0:01:30', undefined, 120)).toEqual({ ok: true, sec: 90 });
  });

  it('says what is wrong with a time it cannot go to', () => {
    expect(parseGoTo('soon', start, 120)).toEqual({ ok: false, message: '"soon" is not a time: write hh:mm:ss (clock time), +m:ss or seconds' });
    expect(parseGoTo('1:75', undefined, 120)).toEqual({ ok: false, message: '"1:75" is not a time: write hh:mm:ss, +m:ss or seconds' });
    expect(parseGoTo('+3:00', start, 120)).toEqual({ ok: false, message: "+3:00 is past the recording's end" });
    expect(parseGoTo('12:00:00', start, 120)).toEqual({ ok: false, message: "12:00:00 is past the recording's end" });
  });
});
