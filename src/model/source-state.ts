/** What feedagg knows about a source between polls: one type, stored as one Redis hash. */
export type SourceStatus = 'active' | 'failing' | 'gone' | 'disabled';

export interface SourceError {
  code: string;
  message: string;
}

export interface RedirectRecord {
  from: string;
  to: string;
  at: string;
}

/** A permanent redirect seen but not yet trusted (it moves the URL only once it repeats). */
export interface PendingRedirect {
  target: string;
  seen: number;
  firstSeenAt: string;
}

export interface SourceState {
  id: string;
  state: SourceStatus;
  /** The configured URL this state belongs to: a changed config URL starts redirects over. */
  configUrl: string | null;
  /** The URL polled: the configured one, or where a persisted permanent redirect leads. */
  effectiveUrl: string | null;
  lastPollAt: string | null;
  /** HTTP status of the last response, null when no response arrived. */
  lastStatus: number | null;
  lastError: SourceError | null;
  consecutiveFailures: number;
  firstFailureAt: string | null;
  pendingRedirect: PendingRedirect | null;
  redirectHistory: RedirectRecord[];
  /** Validators of the last response that was read successfully. */
  etag: string | null;
  lastModified: string | null;
  /** SHA-256 of the last 200 body, to skip parsing identical bytes. */
  bodyHash: string | null;
  itemsSeen: number;
  /** The last poll that succeeded (a 304 counts). */
  lastSuccessAt: string | null;
}

/** Poll outcomes kept per source for the operator (status page, `sources --json`), in a capped list of its own. */
export const OUTCOME_HISTORY = 20;

/** One poll, as the operator's history shows it. */
export interface OutcomeRecord {
  at: string;
  /** `ok`, `not-modified`, `skipped`, or the error code. */
  result: string;
  status: number | null;
  created: number;
  /** Time the requests were in flight, and time spent waiting for the host (politeness). */
  ms: number;
  waitMs: number;
  /** Bytes of the body received (0 for a 304); absent in records written before it was kept. */
  bytes?: number;
}

/** The record of an outcome, for the history. */
export function outcomeRecord(outcome: PollOutcome, at: Date): OutcomeRecord {
  const result = outcome.skipped ? 'skipped' : outcome.ok ? (outcome.notModified ? 'not-modified' : 'ok') : (outcome.error?.code ?? 'failed');
  return { at: at.toISOString(), result, status: outcome.status, created: outcome.created + outcome.merged, ms: outcome.durationMs, waitMs: outcome.waitMs, bytes: outcome.bytes ?? 0 };
}



/** What one poll did; the return value of a poll job and a row of the `run --once` summary. */
export interface PollOutcome {
  sourceId: string;
  ok: boolean;
  status: number | null;
  /** True when the server said 304 or sent the same bytes as last time. */
  notModified: boolean;
  /** Why the source was not polled (gone, disabled, host under Retry-After); null when it was. */
  skipped: string | null;
  entries: number;
  /** New articles. */
  created: number;
  /** Entries found to be a story another source delivered first (provenance grew). */
  merged: number;
  /** Known entries whose text changed substantially (a new version). */
  updated: number;
  error: SourceError | null;
  /** Limits applied to the document (items dropped, titles cut…): warnings, not failures. */
  warnings: string[];
  /** Time the requests were in flight. */
  durationMs: number;
  /** Time spent waiting for a per-host slot (politeness), apart from durationMs. */
  waitMs: number;
  /** Bytes of the body received (after decompression; 0 for a 304 or a failure before the body). */
  bytes?: number;
  /** Not polled: its host was another process's; back on the schedule for this time (epoch ms). */
  deferredUntil?: number;
}
