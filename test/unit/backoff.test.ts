import { describe, expect, it } from 'vitest';
import { backoffDelay, attemptIndex, recordFailure, type BackoffPolicy, type CrashLoopPolicy } from '../../src/supervisor/backoff';

const policy: BackoffPolicy = { initialMs: 100, factor: 2, maxMs: 1000, jitter: 0.1, resetAfterMs: 60_000 };

describe('backoffDelay', () => {
  it.each([
    [0, 0.5, 100],
    [1, 0.5, 200],
    [2, 0.5, 400],
    [3, 0.5, 800],
    [4, 0.5, 1000],
    [30, 0.5, 1000],
    [0, 0, 90],
    [0, 0.999999, 110],
    [4, 0.999999, 1000],
    [4, 0, 900],
  ])('attempt %i with random %f waits %i ms', (attempt, random, ms) => {
    expect(backoffDelay(policy, attempt, random)).toBe(ms);
  });

  it('is 0 with a zero initial delay', () => {
    expect(backoffDelay({ ...policy, initialMs: 0 }, 5, 0.7)).toBe(0);
  });
});

describe('attemptIndex', () => {
  it.each([
    [0, 10, 0],
    [3, 59_999, 3],
    [3, 60_000, 0],
  ])('after %i restarts and a run of %i ms, the delay uses step %i', (attempt, ran, index) => {
    expect(attemptIndex(policy, attempt, ran)).toBe(index);
  });
});

describe('recordFailure', () => {
  const loop: CrashLoopPolicy = { maxFailures: 3, windowMs: 10_000, action: 'give-up', cooldownMs: 0 };
  it.each<[number[], number, number[], boolean]>([
    [[], 1000, [1000], false],
    [[1000], 2000, [1000, 2000], false],
    [[1000, 2000], 3000, [1000, 2000, 3000], true],
    [[1000, 2000], 11_500, [2000, 11_500], false],
    [[0, 1, 2, 3], 20_000, [20_000], false],
  ])('failures %j, one more at %i -> %j (loop: %s)', (before, now, after, looping) => {
    expect(recordFailure(loop, before, now)).toEqual({ failures: after, looping });
  });
});
