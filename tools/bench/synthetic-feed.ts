/** Synthetic feeds of a given size for benchmarks: realistic items (HTML, dates, media). */

function item(index: number): string {
  const day = String((index % 28) + 1).padStart(2, '0');
  return `<item>
  <title>Story number ${index}: councils &amp; ports agree on a winter plan</title>
  <link>https://news.example/2026/11/${day}/story-${index}?utm_source=rss</link>
  <guid isPermaLink="false">news-example-${index}</guid>
  <pubDate>Thu, ${day} Nov 2026 ${String(index % 24).padStart(2, '0')}:15:00 +0100</pubDate>
  <dc:creator>Reporter ${index % 17}</dc:creator>
  <category>Politics</category><category>Region ${index % 9}</category>
  <description><![CDATA[<p>The <b>council</b> met on Monday and agreed on a plan for the ports. <a href="/more/${index}">Read more</a></p>]]></description>
  <content:encoded><![CDATA[<p>Paragraph one of story ${index}, with <em>emphasis</em> and a <a href="https://news.example/ref/${index}">link</a>.</p>
<p>Paragraph two explains the decision in detail, quoting officials and residents who were at the meeting on Monday evening.</p>
<figure><img src="/img/${index}.jpg" alt="A port at dusk"><figcaption>A port at dusk.</figcaption></figure>
<p>Paragraph three closes the story with what happens next.</p>]]></content:encoded>
  <enclosure url="https://news.example/audio/${index}.mp3" type="audio/mpeg" length="${1000 + index}"/>
</item>
`;
}

/** An RSS 2.0 document of at least `bytes` bytes. */
export function syntheticRss(bytes: number): string {
  const head = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Synthetic news</title><link>https://news.example/</link><description>Benchmark feed</description>
`;
  const parts = [head];
  let size = head.length;
  for (let index = 0; size < bytes; index += 1) {
    const next = item(index);
    parts.push(next);
    size += next.length;
  }
  parts.push('</channel></rss>\n');
  return parts.join('');
}
