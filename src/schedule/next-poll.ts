/**
 * When to poll a source next. Pure: the clock and the random jitter come in as arguments.
 *
 * interval = the source's configured interval, else half its observed publishing cadence
 * (so a new entry waits at most half a gap), else schedule.defaultInterval; never shorter
 * than what the feed (<ttl>, sy:updatePeriod) or the response (Cache-Control, Expires) says
 * stays fresh; doubled per consecutive failure; clamped to [minInterval, maxInterval]; ±10 %
 * jitter. A `failing` source is polled at maxInterval. A host's Retry-After and the feed's
 * skipHours/skipDays can only push the time later.
 */
import { clampToAllowedTime } from './skip-times.js';

export interface ScheduleSettings {
  defaultInterval: number;
  minInterval: number;
  maxInterval: number;
}

export interface NextPollInput {
  now: number;
  settings: ScheduleSettings;
  /** The source's configured interval, if any. */
  interval?: number | undefined;
  ok: boolean;
  /** Consecutive failures including this poll (0 after a success). */
  failures: number;
  failing?: boolean;
  /** Median gap between recent entries (ms). */
  cadence?: number | null;
  /** Periods the feed or the response declare fresh (ms): <ttl>, sy:*, Cache-Control/Expires. */
  freshFor?: Array<number | null>;
  /** Epoch ms before which the host asked not to be contacted. */
  retryAfter?: number | null;
  skipHours?: number[];
  skipDays?: string[];
  /** A number in [0, 1); 0.5 means no jitter. */
  random: number;
}

const JITTER = 0.1;

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

export function pollInterval(input: NextPollInput): number {
  const { settings } = input;
  if (input.failing) return settings.maxInterval;
  const wanted = input.interval ?? (input.cadence ? input.cadence / 2 : settings.defaultInterval);
  const fresh = Math.max(0, ...(input.freshFor ?? []).filter((value): value is number => value !== null));
  const base = Math.max(wanted, fresh);
  const backedOff = input.ok ? base : base * 2 ** Math.max(0, input.failures - 1);
  return clamp(backedOff, settings.minInterval, settings.maxInterval);
}

export function nextPollAt(input: NextPollInput): number {
  const { settings } = input;
  const jitter = 1 + (input.random * 2 - 1) * JITTER;
  const interval = clamp(pollInterval(input) * jitter, settings.minInterval * (1 - JITTER), settings.maxInterval);
  const at = Math.max(input.now + Math.round(interval), input.retryAfter ?? 0);
  return clampToAllowedTime(at, input.skipHours ?? [], input.skipDays ?? [], input.now + settings.maxInterval);
}
