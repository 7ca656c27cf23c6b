import { describe, expect, it } from 'vitest';
import { durationWords, relativeWords } from '../../src/cli/time-words.js';

describe('time words', () => {
  it.each([[0, '0 seconds'], [1, '1 second'], [59, '59 seconds'], [60, '1 minute'], [3599, '59 minutes'], [3600, '1 hour'], [172799, '47 hours'], [172800, '2 days'], [-7200, '2 hours']])(
    '%i s → %s',
    (seconds, words) => expect(durationWords(seconds)).toBe(words),
  );
  it('phrases the future and the past', () => {
    expect(relativeWords(1764000240, 1764000000, 'expires in', 'expired')).toBe('expires in 4 minutes (2025-11-24T16:04:00Z)');
    expect(relativeWords(1764000000, 1764010800, 'expires in', 'expired')).toBe('expired 3 hours ago (2025-11-24T16:00:00Z)');
  });
});
