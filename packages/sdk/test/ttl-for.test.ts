import { describe, expect, it } from 'vitest';
import { ttlFor } from '@urlseal/sdk';

describe('ttlFor', () => {
  it('covers the media plus 5 minutes, within maxTtl', () => {
    expect(ttlFor(60)).toBe(360);
    expect(ttlFor(3725.4)).toBe(4026);
    expect(ttlFor(0)).toBe(300);
    expect(ttlFor(10, { extra: 0 })).toBe(10);
    expect(ttlFor(0, { extra: 0 })).toBe(1);
    expect(ttlFor(200_000)).toBe(86_400);
    expect(ttlFor(5000, { maxTtl: 3600 })).toBe(3600);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, '60' as never])('refuses a duration of %s', (duration) => {
    expect(() => ttlFor(duration)).toThrow(/duration/);
  });

  it('refuses bad options, naming them', () => {
    expect(() => ttlFor(60, { extra: -5 })).toThrow(/extra/);
    expect(() => ttlFor(60, { extra: 1.5 })).toThrow(/extra/);
    expect(() => ttlFor(60, { maxTtl: 0 })).toThrow(/maxTtl/);
  });
});
