/** When to poll a source next. Pure: the clock and the random jitter come in as arguments. */

export interface ScheduleSettings {
  defaultInterval: number;
  minInterval: number;
  maxInterval: number;
}

export interface NextPollInput {
  now: number;
  /** The source's configured interval, if any. */
  interval: number | undefined;
  ok: boolean;
  /** Consecutive failures including this poll (0 after a success). */
  failures: number;
  settings: ScheduleSettings;
  /** A number in [0, 1); 0.5 means no jitter. */
  random: number;
}

const JITTER = 0.1;

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/**
 * Success: the source's interval (else the default), clamped to [min, max].
 * Failure: that interval doubled per consecutive failure, up to max.
 * ±10 % jitter spreads sources that share a host or were added together.
 */
export function nextPollAt(input: NextPollInput): number {
  const { settings } = input;
  const base = clamp(input.interval ?? settings.defaultInterval, settings.minInterval, settings.maxInterval);
  const backedOff = input.ok ? base : Math.min(settings.maxInterval, base * 2 ** Math.max(0, input.failures - 1));
  const jitter = 1 + (input.random * 2 - 1) * JITTER;
  return input.now + Math.round(clamp(backedOff * jitter, settings.minInterval * (1 - JITTER), settings.maxInterval));
}
