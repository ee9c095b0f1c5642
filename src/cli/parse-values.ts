// Values given on the command line or in the environment, checked once at the edge: signals
// become numbers, durations milliseconds. Each error names what was wrong and what is allowed.
import { signalNumber } from '../signals/table';

export class ValueError extends Error {}

/**
 * A signal by name (SIGTERM, TERM, term), number (15) or real-time offset (SIGRTMIN+3).
 * `rtMin`/`rtMax` bound the real-time range; pass max 31 to allow only the classic ones.
 */
export function parseSignal(text: string, what: string, rt: { min: number; max: number }, allowZero = false): number {
  const raw = text.trim();
  if (/^\d+$/.test(raw)) {
    const n = Number(raw);
    if ((n === 0 && allowZero) || (n >= 1 && n <= 31) || (n >= rt.min && n <= rt.max)) return n;
  } else {
    const upper = raw.toUpperCase();
    const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
    const named = signalNumber(name);
    if (named !== undefined) return named;
    const rtMatch = /^SIGRTMIN(?:\+(\d+))?$/.exec(name) ?? null;
    if (rtMatch) {
      const n = rt.min + Number(rtMatch[1] ?? 0);
      if (n <= rt.max) return n;
    }
    const rtMax = /^SIGRTMAX(?:-(\d+))?$/.exec(name);
    if (rtMax) {
      const n = rt.max - Number(rtMax[1] ?? 0);
      if (n >= rt.min) return n;
    }
  }
  const range = rt.max > 31 ? `1-31 or ${rt.min}-${rt.max}` : '1-31';
  throw new ValueError(`${what}: '${text}' is not a signal (a name such as SIGTERM or TERM, or a number ${range}${allowZero ? ', or 0' : ''})`);
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The longest timer Node keeps: a longer delay would fire at once (setTimeout(3)). */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/** A duration as Go and docker compose write it (1m30s, 500ms, 2.5s), or bare seconds (10). */
export function parseDuration(text: string, what: string): number {
  const ms = parseDurationMs(text, what);
  if (ms > MAX_DURATION_MS) throw new ValueError(`${what}: '${text}' is too long (at most 596h, about 24 days)`);
  return ms;
}

function parseDurationMs(text: string, what: string): number {
  const raw = text.trim();
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;
  let total = 0;
  let at = 0;
  while (at < raw.length) {
    part.lastIndex = at;
    const m = part.exec(raw);
    if (!m) break;
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    at = part.lastIndex;
  }
  if (raw === '' || at !== raw.length) {
    throw new ValueError(`${what}: '${text}' is not a duration (such as 3s, 500ms, 1m30s, or a number of seconds)`);
  }
  return Math.round(total);
}

/** An exit code for -e: a whole number from 0 to 255. */
export function parseExitCode(text: string): number {
  if (/^\d+$/.test(text.trim()) && Number(text) <= 255) return Number(text);
  throw new ValueError(`-e: '${text}' is not an exit code (a whole number from 0 to 255)`);
}

/** dumb-init's -r S:R: S from 1 to 31, R from 0 to 31, where 0 drops S. */
export function parseRewrite(text: string, rt: { min: number; max: number }): [number, number] {
  const usage = `-r: '${text}' is not a rewrite (S:R with signals 1-31 by number or name; R = 0 drops S)`;
  const m = /^([^:]+):([^:]+)$/.exec(text.trim());
  if (!m) throw new ValueError(usage);
  const classic = { min: rt.min, max: 31 };
  try {
    return [parseSignal(m[1] as string, '-r', classic), parseSignal(m[2] as string, '-r', classic, true)];
  } catch {
    throw new ValueError(usage);
  }
}
