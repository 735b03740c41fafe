/** What the worker knows about one source between polls (shown by `feedagg sources`). */
export type SourceStatus = 'active' | 'failing' | 'gone' | 'disabled';

export interface SourceError {
  code: string;
  message: string;
}

export interface SourceState {
  id: string;
  state: SourceStatus;
  effectiveUrl: string | null;
  lastPollAt: string | null;
  /** HTTP status of the last response, null when no response arrived. */
  lastStatus: number | null;
  lastError: SourceError | null;
  nextPollAt: string | null;
  consecutiveFailures: number;
  etag: string | null;
  lastModified: string | null;
  itemsSeen: number;
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
  durationMs: number;
}
