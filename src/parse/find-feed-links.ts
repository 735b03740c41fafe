/** Feed URLs an HTML page advertises: <link rel="alternate" type="application/rss+xml|atom+xml|feed+json">. */
const FEED_TYPES = /^application\/(rss\+xml|atom\+xml|feed\+json|json)$/i;

function attribute(tag: string, name: string): string | null {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return match ? (match[1] ?? match[2] ?? match[3] ?? null) : null;
}

/**
 * `[^<>]` rather than `[^>]`: a `<link` never closed would otherwise be scanned to the end of
 * the page once per `<link` after it (quadratic); a tag's attributes hold no raw `<` anyway.
 */
export function findFeedLinks(html: string, baseUrl: string | null): string[] {
  const links: string[] = [];
  for (const [tag] of html.matchAll(/<link\b[^<>]*>/gi)) {
    const rel = attribute(tag, 'rel')?.toLowerCase().split(/\s+/) ?? [];
    const type = attribute(tag, 'type') ?? '';
    const href = attribute(tag, 'href');
    if (!href || !rel.includes('alternate') || !FEED_TYPES.test(type.trim())) continue;
    try {
      links.push(baseUrl ? new URL(href, baseUrl).toString() : href);
    } catch {
      // An href that is not a URL advertises nothing usable.
    }
  }
  return [...new Set(links)];
}
