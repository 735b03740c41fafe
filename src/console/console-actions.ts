/**
 * What the console and its JSON API can do, once, for both (issue 20): the forms of the pages
 * and the /api/ routes call these. Writes go to the config file (config-file.ts) and through
 * the reload; reads come from the deployment's sources and their stored state.
 */
import { rawOf } from '../../config/load-config.js';
import type { Config, SourceConfig } from '../../config/schema.js';
import { sourceRows, type SourceRow } from '../observe/source-rows.js';
import type { OutcomeRecord } from '../model/source-state.js';
import type { AppContext } from '../runtime/context.js';
import { pollUrl } from '../schedule/source-transition.js';
import { redactUrl } from '../redact.js';
import { articlesLastDay, scanArticles, sourceArticles, type SourceArticle } from './console-data.js';
import { ConsoleError } from './console-error.js';
import type { ConfigFile } from './config-file.js';
import { sourceIdsIn } from './config-text.js';
import { discover, suggestId, type Discovery } from './discover.js';

/** A source as the API shows it (docs/console.md): at least `id`, `url` and `state`. */
export interface ApiSource {
  id: string;
  url: string;
  title: string | null;
  tags: string[];
  /** As written in the config (`15m`), null: schedule.defaultInterval. */
  interval: string | null;
  enabled: boolean;
  /** Keywords or /regular expressions/: only entries matching one are kept (none: all). */
  include: string[];
  /** Entries matching one of these are dropped. */
  exclude: string[];
  /** The one vocabulary of every view: failing, held, retired, polling, new, ok, disabled. */
  state: SourceRow['health'];
  lastPollAt: string | null;
  lastSuccessAt: string | null;
  lastStatus: number | null;
  lastError: SourceRow['lastError'];
  nextPollAt: string | null;
  consecutiveFailures: number;
  hold: SourceRow['hold'];
  /** Articles it delivered among those published in the last 24 h. */
  articlesLastDay: number;
}

export interface ApiSourceDetail extends ApiSource {
  outcomes: OutcomeRecord[];
  articles: SourceArticle[];
}

export interface SourceInput {
  url?: unknown;
  id?: unknown;
  title?: unknown;
  tags?: unknown;
  interval?: unknown;
  allowPrivateNetworks?: unknown;
  enabled?: unknown;
  include?: unknown;
  exclude?: unknown;
}

type Context = Pick<AppContext, 'store' | 'config' | 'sources' | 'http' | 'documents' | 'userAgent' | 'interrupt' | 'queues' | 'log' | 'now'>;

function optionalText(value: unknown, field: string, max = 500): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ConsoleError('INVALID', `${field}: must be text`, { field });
  const text = value.trim();
  if (text.length > max) throw new ConsoleError('INVALID', `${field}: longer than ${max} characters`, { field });
  return text === '' ? undefined : text;
}

/** Tags as a list or as "a, b" (a form field). */
export function tagsOf(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : null;
  if (list === null || list.some((tag) => typeof tag !== 'string')) throw new ConsoleError('INVALID', 'tags: must be a list of text, or text separated by commas', { field: 'tags' });
  const tags = [...new Set((list as string[]).map((tag) => tag.trim()).filter((tag) => tag !== ''))];
  if (tags.length > 50 || tags.some((tag) => tag.length > 100)) throw new ConsoleError('INVALID', 'tags: at most 50, each at most 100 characters', { field: 'tags' });
  return tags;
}

/** Matchers as a list, or one per line (a form's text area). */
export function matchersOf(value: unknown, field: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/\r?\n/) : null;
  if (list === null || list.some((item) => typeof item !== 'string')) throw new ConsoleError('INVALID', `${field}: must be a list of keywords or /regular expressions/, or one per line`, { field });
  const matchers = (list as string[]).map((item) => item.trim()).filter((item) => item !== '');
  if (matchers.length > 100 || matchers.some((item) => item.length > 500)) throw new ConsoleError('INVALID', `${field}: at most 100, each at most 500 characters`, { field });
  return matchers;
}

function booleanOf(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'on' || value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ConsoleError('INVALID', `${field}: must be true or false`, { field });
}

function apiSource(source: SourceConfig, row: SourceRow, counts: Map<string, number>, written: Record<string, unknown> | undefined): ApiSource {
  return {
    id: source.id,
    url: row.url,
    title: source.title ?? null,
    tags: source.tags,
    interval: typeof written?.interval === 'string' ? written.interval : null,
    enabled: source.enabled,
    include: source.include,
    exclude: source.exclude,
    state: row.health,
    lastPollAt: row.lastPollAt,
    lastSuccessAt: row.lastSuccessAt,
    lastStatus: row.lastStatus,
    lastError: row.lastError,
    nextPollAt: row.nextPollAt,
    consecutiveFailures: row.consecutiveFailures,
    hold: row.hold,
    articlesLastDay: counts.get(source.id) ?? 0,
  };
}

/** Reads of the state answer within this, or UNAVAILABLE: a stalled Redis never hangs a page. */
const READ_WITHIN_MS = 5_000;

function inTime<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ConsoleError('UNAVAILABLE', `Redis did not answer within ${READ_WITHIN_MS / 1000} s`)), READ_WITHIN_MS);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export class ConsoleActions {
  constructor(private readonly context: Context, readonly file: ConfigFile) {}

  /** The sources as the deployment runs them, each with its state. */
  list(): Promise<{ sources: SourceConfig[]; rows: SourceRow[]; counts: Map<string, number>; capped: boolean; api: ApiSource[] }> {
    return inTime(this.readList());
  }

  private async readList(): Promise<{ sources: SourceConfig[]; rows: SourceRow[]; counts: Map<string, number>; capped: boolean; api: ApiSource[] }> {
    await this.context.sources.refresh();
    const sources = this.context.sources.all();
    const now = this.context.now().getTime();
    const [rows, scan] = await Promise.all([sourceRows(this.context, sources, now), scanArticles(this.context)]);
    const recent = articlesLastDay(scan, now);
    const written = writtenSources(this.context.config);
    return { sources, rows, counts: recent.bySource, capped: recent.capped, api: sources.map((source, index) => apiSource(source, rows[index]!, recent.bySource, written.get(source.id))) };
  }

  get(id: string): Promise<{ source: SourceConfig; row: SourceRow; api: ApiSourceDetail }> {
    return inTime(this.read(id));
  }

  private async read(id: string): Promise<{ source: SourceConfig; row: SourceRow; api: ApiSourceDetail }> {
    await this.context.sources.refresh();
    const source = this.context.sources.get(id);
    if (!source) throw new ConsoleError('NOT_FOUND', `no source "${id}"`, { field: 'id' });
    const now = this.context.now().getTime();
    // One read of the newest articles serves the 24 h count and the source's latest articles.
    const [[row], scan] = await Promise.all([sourceRows(this.context, [source], now), scanArticles(this.context)]);
    const articles = await sourceArticles(this.context, scan, id);
    return { source, row: row!, api: { ...apiSource(source, row!, articlesLastDay(scan, now).bySource, writtenSources(this.context.config).get(id)), outcomes: row!.recentOutcomes, articles } };
  }

  async discover(input: SourceInput): Promise<Discovery> {
    return discover(this.context, input.url, booleanOf(input.allowPrivateNetworks, 'allowPrivateNetworks') ?? false);
  }

  /**
   * Add a source by URL: a feed is added as it is; a site URL adds the first feed it
   * advertises (or that a common path gives). The id is the one given, else one made from the
   * feed's host. 201 with the source as the API shows it.
   */
  async add(input: SourceInput): Promise<ApiSource> {
    const allowPrivateNetworks = booleanOf(input.allowPrivateNetworks, 'allowPrivateNetworks') ?? false;
    const title = optionalText(input.title, 'title');
    const tags = tagsOf(input.tags);
    const interval = optionalText(input.interval, 'interval', 20);
    const wantedId = optionalText(input.id, 'id', 64);
    const found = await discover(this.context, input.url, allowPrivateNetworks);
    const feed = found.kind === 'feed' ? found.feed : found.feeds[0]!;
    const text = await this.file.text();
    const taken = new Set([...this.context.sources.all().map((source) => source.id), ...sourceIdsIn(text)]);
    const sameUrl = this.context.sources.all().find((source) => source.url === feed.url);
    if (sameUrl) throw new ConsoleError('CONFLICT', `url: source "${sameUrl.id}" polls ${redactUrl(feed.url)} already`, { field: 'url' });
    const id = wantedId ?? suggestId(feed, taken);
    if (taken.has(id)) throw new ConsoleError('CONFLICT', `id: a source with id "${id}" exists already`, { field: 'id' });
    await this.file.add({ id, url: feed.url, ...(title !== undefined ? { title } : {}), ...(tags && tags.length > 0 ? { tags } : {}), ...(interval !== undefined ? { interval } : {}), ...(allowPrivateNetworks ? { allowPrivateNetworks } : {}) });
    this.context.log.info({ source: id, url: redactUrl(feed.url) }, 'console: source added');
    return (await this.get(id)).api;
  }

  /** Change title, tags, interval, include, exclude or enabled; a field given as null or "" is removed from the file. */
  async update(id: string, input: SourceInput): Promise<ApiSource> {
    const changes: Record<string, unknown> = {};
    if (input.title !== undefined) changes.title = optionalText(input.title, 'title');
    if (input.tags !== undefined) {
      const tags = tagsOf(input.tags);
      changes.tags = tags && tags.length > 0 ? tags : undefined;
    }
    if (input.interval !== undefined) changes.interval = optionalText(input.interval, 'interval', 20);
    for (const field of ['include', 'exclude'] as const) {
      if (input[field] === undefined) continue;
      const matchers = matchersOf(input[field], field);
      changes[field] = matchers && matchers.length > 0 ? matchers : undefined;
    }
    if (input.enabled !== undefined) changes.enabled = booleanOf(input.enabled, 'enabled') === false ? false : undefined;
    if (input.url !== undefined) throw new ConsoleError('INVALID', 'url: a source keeps its URL; add a new source instead', { field: 'url' });
    if (Object.keys(changes).length === 0) throw new ConsoleError('INVALID', 'nothing to change: give title, tags, interval, include, exclude or enabled', { field: 'source' });
    await this.file.update(id, changes);
    this.context.log.info({ source: id, fields: Object.keys(changes) }, 'console: source changed');
    return (await this.get(id)).api;
  }

  async remove(id: string): Promise<void> {
    await this.file.remove(id);
    this.context.log.info({ source: id }, 'console: source removed');
  }

  /**
   * Poll now, as `feedagg refresh` does (a clean slate for its standing, its host's
   * Retry-After hold lifted), through the scheduler: the answer does not wait for the poll.
   */
  async refresh(id: string): Promise<{ id: string; queued: true }> {
    await this.context.sources.refresh();
    const source = this.context.sources.get(id);
    if (!source) throw new ConsoleError('NOT_FOUND', `no source "${id}"`, { field: 'id' });
    if (!source.enabled) throw new ConsoleError('INVALID', `source "${id}" is paused: resume it first`, { field: 'enabled' });
    const { store } = this.context;
    const host = new URL(pollUrl(source.url, await store.sources.readSourceState(id))).hostname;
    if (await store.hosts.releaseHost(host)) this.context.log.warn({ source: id, host }, 'console refresh lifted the Retry-After hold on the host');
    await store.sources.updateSourceState(id, { state: 'active', consecutiveFailures: 0, firstFailureAt: null });
    await store.schedule.scheduleNow(id, this.context.now().getTime());
    await this.context.queues.scheduler.add('tick', {}, { removeOnComplete: true, removeOnFail: 50 });
    this.context.log.info({ source: id }, 'console: refresh asked');
    return { id, queued: true };
  }
}

/** The `sources` of a config as its file wrote them (durations as text, not ms), by id. */
function writtenSources(config: Config): Map<string, Record<string, unknown>> {
  const raw = rawOf(config)?.sources;
  const items = Array.isArray(raw) ? raw.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null) : [];
  return new Map(items.map((item) => [String(item.id), item]));
}
