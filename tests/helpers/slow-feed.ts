/**
 * A feed that is slow to read for its size, yet entirely valid: many entries of long text,
 * each sanitized, reduced to words and MinHashed. About 0.8 s of CPU for 1,500 entries (3.3 MB) on
 * the 2-core machine; tests give it a deadline far below that.
 */
export function slowFeed(entries = 1500): string {
  const words = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon '.repeat(20);
  const items = Array.from({ length: entries }, (_, index) => `<item><title>Slow ${index}</title><guid>slow-${index}</guid><description><![CDATA[<p>${words} ${index}</p>]]></description></item>`).join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Slow</title>${items}</channel></rss>`;
}
