import type { Article } from './article.js';

/** Job names on the `articles` queue (DESIGN.md "Downstream events"). */
export type ArticleEventType = 'article.created' | 'article.updated';

/** Payload v1 of every job on the `articles` queue; pinned by schemas/article-event.v1.json. */
export interface ArticleEvent {
  v: 1;
  type: ArticleEventType;
  /** Starts at 1 and grows by one on every change a consumer should hear about. */
  version: number;
  article: Article;
  /** ISO-8601 UTC time the event was produced. */
  at: string;
}
