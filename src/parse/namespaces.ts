/**
 * Namespace URIs → the short prefixes the adapters match on, whatever prefix a document
 * declares (after feedparser's namespace table). RSS and Atom elements get no prefix, so one
 * reader handles `link` in RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 alike.
 */
const NAMESPACES: Record<string, string> = {
  'http://www.w3.org/2005/atom': '',
  'http://purl.org/atom/ns#': '',
  'http://purl.org/rss/1.0/': '',
  'http://my.netscape.com/rdf/simple/0.9/': '',
  'http://backend.userland.com/rss2': '',
  'http://blogs.law.harvard.edu/tech/rss': '',
  'http://backend.userland.com/rss': '',
  'http://purl.org/dc/elements/1.1/': 'dc',
  'http://purl.org/dc/terms/': 'dcterms',
  'http://purl.org/rss/1.0/modules/content/': 'content',
  'http://search.yahoo.com/mrss/': 'media',
  'http://search.yahoo.com/mrss': 'media',
  'http://www.itunes.com/dtds/podcast-1.0.dtd': 'itunes',
  'http://example.com/dtds/podcast-1.0.dtd': 'itunes',
  'http://www.w3.org/1999/02/22-rdf-syntax-ns#': 'rdf',
  'http://purl.org/rss/1.0/modules/syndication/': 'sy',
  'http://www.w3.org/1999/xhtml': 'xhtml',
  'http://www.w3.org/xml/1998/namespace': 'xml',
  'http://purl.org/syndication/thread/1.0': 'thr',
  'http://rssnamespace.org/feedburner/ext/1.0': 'feedburner',
  'http://backend.userland.com/creativecommonsrssmodule': 'cc',
  'http://web.resource.org/cc/': 'cc',
  'http://www.georss.org/georss': 'georss',
  'http://www.w3.org/2003/01/geo/wgs84_pos#': 'geo',
  'http://purl.org/rss/1.0/modules/slash/': 'slash',
  'http://wellformedweb.org/commentapi/': 'wfw',
  'http://madskills.com/public/xml/rss/module/trackback/': 'trackback',
  'http://podlove.org/simple-chapters': 'psc',
  'http://www.w3.org/2000/xmlns/': 'xmlns',
};

/** The short prefix for a namespace URI; null when the namespace is unknown. */
export function prefixForNamespace(uri: string): string | null {
  const prefix = NAMESPACES[uri.trim().toLowerCase()];
  return prefix === undefined ? null : prefix;
}
