/**
 * The sources every process sees. `feedagg start` owns the config's source list: it writes the
 * definitions to Redis when it syncs (at start and on every reload), with a version counter.
 * Workers read them from there, so a worker on another machine needs no copy of the sources,
 * and a source added to the file is known to running workers within seconds.
 *
 * A worker checks the version at most every CHECK_MS (one GET), and reads the definitions
 * again only when it changed; an unknown id forces a check at once.
 */
import { z } from 'zod';
import type { SourceConfig } from '../../config/schema.js';
import type { RedisClient as Redis } from '../redis/client.js';
import type { Store } from '../store/store.js';


const CHECK_MS = 2_000;

/** A definition as stored: the validated config's output (durations already in ms). */
const storedSource = z.object({
  id: z.string(),
  url: z.string(),
  title: z.string().optional(),
  interval: z.number().optional(),
  tags: z.array(z.string()),
  enabled: z.boolean(),
  headers: z.record(z.string(), z.string()),
  allowPrivateNetworks: z.boolean(),
  // Definitions stored before source filters existed have none.
  include: z.array(z.string()).default([]),
  exclude: z.array(z.string()).default([]),
}) satisfies z.ZodType<SourceConfig>;

function parseStored(json: string): SourceConfig | null {
  try {
    const parsed = storedSource.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export class SourceDirectory {
  private byId: Map<string, SourceConfig>;
  private version: number | null = null;
  private checkedAt = 0;
  /**
   * Called with the deployment's settings document whenever a new version is read (not for
   * what this process published itself): workers adopt it (see runtime/deployment.ts).
   */
  onSettings: ((json: string, version: number) => void) | null = null;

  /** `initial`: the process's own config (used until Redis has definitions). */
  constructor(private readonly store: Store, initial: SourceConfig[]) {
    this.byId = new Map(initial.map((source) => [source.id, source]));
  }

  /** The version of the definitions held (null until read from Redis or published). */
  get currentVersion(): number | null {
    return this.version;
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): SourceConfig | undefined {
    return this.byId.get(id);
  }

  all(): SourceConfig[] {
    return [...this.byId.values()];
  }

  /**
   * The definition of a source, read again from Redis when stale, unknown, or older than the
   * version `atLeast` the job's enqueuer knew.
   */
  async lookup(id: string, atLeast: number | null = null, now = Date.now()): Promise<SourceConfig | undefined> {
    await this.refresh(now, !this.byId.has(id) || (atLeast !== null && (this.version ?? 0) < atLeast));
    return this.byId.get(id);
  }

  /** Re-read the definitions when their version changed (checked at most every 2 s, unless forced). */
  async refresh(now = Date.now(), force = false): Promise<void> {
    if (!force && now - this.checkedAt < CHECK_MS) return;
    this.checkedAt = now;
    const version = await this.store.deployment.definitionsVersion();
    if (version === null || version === this.version) return;
    const { definitions: raw, settings } = await this.store.deployment.definitions(Boolean(this.onSettings));
    const next = new Map<string, SourceConfig>();
    for (const [id, json] of Object.entries(raw)) {
      // Written by `start` from a validated config; checked again, as everything read back is.
      const source = parseStored(json);
      if (source) next.set(id, source);
    }
    this.byId = next;
    this.version = version;
    if (settings !== null && this.onSettings) this.onSettings(settings, version);
  }

  /**
   * `start`: make these the sources and settings of every process (publish-sources.lua:
   * settings and definitions, then the version). Returns the ids whose definition changed: they are marked with the new
   * version, so a poll that ran on the old one is followed by another at once.
   */
  async publish(sources: SourceConfig[], settings: Record<string, unknown> = {}): Promise<string[]> {
    const json = new Map(sources.map((source) => [source.id, JSON.stringify(source)]));
    const changed = [...json].filter(([id, definition]) => {
      const before = this.byId.get(id);
      return before !== undefined && JSON.stringify(before) !== definition;
    }).map(([id]) => id);
    const version = await this.store.deployment.publishDefinitions(JSON.stringify(settings), changed, [...json]);
    this.byId = new Map(sources.map((source) => [source.id, source]));
    this.version = version;
    this.checkedAt = Date.now();
    return changed;
  }
}
