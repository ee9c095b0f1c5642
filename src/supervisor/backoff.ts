// Restart delays: exponential with jitter, capped, reset after a stable run; and the crash-loop
// window. Pure functions of their inputs (the random draw is passed in) so tests are exact.

export interface BackoffPolicy {
  initialMs: number;
  factor: number;
  maxMs: number;
  /** Fraction of the delay added or taken at random: 0.1 is +-10%. */
  jitter: number;
  /** A run at least this long resets the attempt count. */
  resetAfterMs: number;
}

export interface CrashLoopPolicy {
  maxFailures: number;
  windowMs: number;
  action: 'give-up' | 'shutdown' | 'cooldown';
  cooldownMs: number;
}

/** The delay before restart number `attempt` (0 for the first), with `random` in [0, 1). */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: number): number {
  const base = Math.min(policy.maxMs, policy.initialMs * policy.factor ** attempt);
  const spread = base * policy.jitter * (2 * random - 1);
  return Math.max(0, Math.round(Math.min(policy.maxMs, base + spread)));
}

/** The backoff step for this restart: back to 0 after a run of at least resetAfterMs. */
export function attemptIndex(policy: BackoffPolicy, attempt: number, ranMs: number): number {
  return ranMs >= policy.resetAfterMs ? 0 : attempt;
}

/** Failure times still inside the window, the new one included; crash loop when too many. */
export function recordFailure(policy: CrashLoopPolicy, failures: readonly number[], now: number): { failures: number[]; looping: boolean } {
  const recent = [...failures.filter((t) => now - t < policy.windowMs), now];
  return { failures: recent, looping: recent.length >= policy.maxFailures };
}
