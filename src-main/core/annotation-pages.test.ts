import { describe, expect, it } from 'vitest';
import { formatOffset, onPage, pageStartFor, stepAnnotation, stepPage } from './annotation-pages';

const events = [
  { onsetSec: 44, durationSec: 0, text: 'c' },
  { onsetSec: 12.5, durationSec: 0, text: 'a' },
  { onsetSec: 31, durationSec: 5, text: 'b' },
  { onsetSec: 33, durationSec: 0, text: 'b2' },
];

describe('paging by annotations', () => {
  it("finds an event's page, kept within the recording", () => {
    expect(pageStartFor(12.5, 10, 60)).toBe(10);
    expect(pageStartFor(58, 10, 60)).toBe(50);
    expect(pageStartFor(59, 20, 60)).toBe(40);
    // A recording of 57 s: its last page starts at 50, on the same 10-s grid as every other.
    expect(pageStartFor(56, 10, 57)).toBe(50);
    expect(pageStartFor(57, 10, 57)).toBe(50);
  });

  it('pages on in steps of a page, into a short last page, keeping the grid', () => {
    expect(stepPage(40, 10, 57, 1)).toBe(50);
    expect(stepPage(50, 10, 57, 1)).toBe(50);
    expect(stepPage(3, 10, 57, Infinity)).toBe(53);
    expect(stepPage(0, 10, 60, Infinity)).toBe(50);
    expect(stepPage(50, 10, 57, -1)).toBe(40);
    expect(stepPage(5, 10, 57, -1)).toBe(0);
    expect(stepPage(35, 10, 57, -Infinity)).toBe(0);
  });

  it('steps to the nearest event on another page, both ways, and stops at the ends', () => {
    const step = (start: number, dir: 1 | -1) => stepAnnotation(events, start, 10, 60, dir)?.text ?? null;
    expect(step(0, 1)).toBe('a');
    expect(step(10, 1)).toBe('b');
    expect(step(30, 1)).toBe('c');
    expect(step(40, 1)).toBeNull();
    expect(step(40, -1)).toBe('b2');
    expect(step(30, -1)).toBe('a');
    expect(step(10, -1)).toBeNull();
  });

  it('says whether an event shows on a page, its span included, and where it is in words', () => {
    expect(onPage(events[2], 30, 40)).toBe(true);
    expect(onPage(events[2], 35, 45)).toBe(true);
    expect(onPage(events[2], 37, 47)).toBe(false);
    expect(formatOffset(62.9)).toBe('1:02');
    expect(formatOffset(3723)).toBe('1:02:03');
  });
});
