/** Article v1: the public model every stage produces and consumers read (DESIGN.md "Article"). */
export interface ArticleSource {
  sourceId: string;
  url: string | null;
  /** ISO-8601 UTC time the source first delivered the story. */
  seenAt: string;
}

export interface Author {
  name: string;
  email: string | null;
  url: string | null;
}

export interface Enclosure {
  url: string;
  type: string | null;
  length: number | null;
}

export interface Article {
  /** Stable opaque id of the story: the same story from two sources has the same id. */
  id: string;
  /** The source that first delivered the story (its canonical source). */
  sourceId: string;
  sources: ArticleSource[];
  guid: string | null;
  url: string | null;
  title: string;
  summary: string | null;
  contentHtml: string | null;
  authors: Author[];
  categories: string[];
  publishedAt: string | null;
  updatedAt: string | null;
  enclosures: Enclosure[];
  imageUrl: string | null;
  language: string | null;
}
