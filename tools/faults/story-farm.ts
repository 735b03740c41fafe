/**
 * Feeds that grow while the fault suite runs, and the ground truth to check the store against:
 * every story the farm ever listed, the sources that listed it, and its latest text. Some
 * stories are listed by two sources (one story, two copies), and some are edited.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { seededRandom } from '../bench/seeded-random.js';
import { escapeUTF8 as escapeMarkup } from 'entities';

export interface FarmStory {
  n: number;
  url: string;
  sources: number[];
  title: string;
  text: string;
  edits: number;
  /** Publish dates one minute apart, in story order: the newest stories are the last ones. */
  publishedAt: number;
}

const WORDS = Array.from({ length: 4000 }, (_, index) => `w${index.toString(36)}`);
/** Every source lists its newest stories only, as real feeds do. */
const LISTED = 60;


export class StoryFarm {
  readonly stories: FarmStory[] = [];
  private readonly random = seededRandom(7);
  private readonly base = Date.now() - 86_400_000;

  constructor(readonly sourceCount: number) {}

  private words(count: number): string {
    return Array.from({ length: count }, () => WORDS[Math.floor(this.random() * WORDS.length)]).join(' ');
  }

  /** A new story on one source, or (one in four) on two. */
  addStory(): FarmStory {
    const n = this.stories.length;
    const first = Math.floor(this.random() * this.sourceCount);
    const second = (first + 1 + Math.floor(this.random() * (this.sourceCount - 1))) % this.sourceCount;
    const story: FarmStory = {
      n,
      url: `http://farm.test/story/${n}`,
      sources: this.random() < 0.25 ? [first, second] : [first],
      title: `Story ${n}: ${this.words(5)}`,
      text: this.words(80),
      edits: 0,
      publishedAt: this.base + n * 60_000,
    };
    this.stories.push(story);
    return story;
  }

  /** Rewrite a recent story's title and text (every copy of it): a substantial edit. */
  editStory(): FarmStory | null {
    const recent = this.stories.slice(-10);
    const story = recent[Math.floor(this.random() * recent.length)];
    if (!story) return null;
    story.edits += 1;
    story.title = `Story ${story.n} (edit ${story.edits}): ${this.words(5)}`;
    story.text = `${this.words(20)} ${story.text.split(' ').slice(20).join(' ')}`;
    return story;
  }

  feed(source: number): string {
    const items = this.stories.filter((story) => story.sources.includes(source)).slice(-LISTED).reverse().map((story) => `<item>
<title>${escapeMarkup(story.title)}</title><link>${story.url}</link><guid>${story.url}</guid>
<pubDate>${new Date(story.publishedAt).toUTCString()}</pubDate><description>${escapeMarkup(story.text)}</description></item>`);
    return `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Farm ${source}</title><link>http://farm.test/${source}</link>\n${items.join('\n')}\n</channel></rss>\n`;
  }

  /** Serves `/farm/<n>.xml`; false for any other path. */
  handle(request: IncomingMessage, response: ServerResponse): boolean {
    const match = /^\/farm\/(\d+)\.xml$/.exec(request.url ?? '');
    if (!match) return false;
    response.writeHead(200, { 'Content-Type': 'application/rss+xml; charset=utf-8' }).end(this.feed(Number(match[1])));
    return true;
  }
}
