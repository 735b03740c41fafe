/**
 * What importing an OPML list adds to a config (`feedagg opml import` and the console's
 * import): one source per feed URL not already polled, an id from its title, its folders as
 * tags; every source passes the config's own schema or is skipped with the reason.
 */
import type { SourceConfig } from '../../config/schema.js';
import { sourceSchema } from '../../config/schema.js';
import { redactUrl } from '../redact.js';
import { sourceIdFor, type OpmlFeed } from './opml.js';

export interface NewSource {
  id: string;
  url: string;
  title?: string;
  tags?: string[];
}

export interface OpmlPlan {
  added: NewSource[];
  /** Feeds left out: the URL (credentials removed) and why. */
  skipped: Array<{ url: string; reason: string }>;
}

/** A feed listed in several folders is one source with every folder as a tag (readers file one feed in many). */
function mergeByUrl(feeds: OpmlFeed[]): OpmlFeed[] {
  const byUrl = new Map<string, OpmlFeed>();
  for (const feed of feeds) {
    const seen = byUrl.get(feed.url);
    if (seen) seen.tags = [...new Set([...seen.tags, ...feed.tags])];
    else byUrl.set(feed.url, { ...feed, tags: [...feed.tags] });
  }
  return [...byUrl.values()];
}

export function planImport(feeds: OpmlFeed[], existing: Array<Pick<SourceConfig, 'id' | 'url'>>): OpmlPlan {
  const urls = new Set(existing.map((source) => source.url));
  const ids = new Set(existing.map((source) => source.id));
  const plan: OpmlPlan = { added: [], skipped: [] };
  for (const feed of mergeByUrl(feeds)) {
    let url: string;
    try {
      url = new URL(feed.url).toString();
    } catch {
      plan.skipped.push({ url: feed.url.slice(0, 200), reason: 'not a URL' });
      continue;
    }
    if (urls.has(feed.url) || urls.has(url)) {
      plan.skipped.push({ url: redactUrl(feed.url), reason: 'already a source' });
      continue;
    }
    const candidate: NewSource = { id: sourceIdFor(feed.title, url, ids), url: feed.url, ...(feed.title ? { title: feed.title } : {}), ...(feed.tags.length > 0 ? { tags: feed.tags } : {}) };
    // The dry run refuses what a write would refuse: every source passes the config's own schema.
    const checked = sourceSchema.safeParse(candidate);
    if (!checked.success) {
      ids.delete(candidate.id);
      plan.skipped.push({ url: redactUrl(feed.url).slice(0, 200), reason: checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') });
      continue;
    }
    urls.add(feed.url);
    urls.add(url);
    plan.added.push(candidate);
  }
  return plan;
}
