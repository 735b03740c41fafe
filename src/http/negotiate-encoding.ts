/** Content-coding negotiation (RFC 9110 12.5.3): br, else gzip, else identity. */
export type Coding = 'br' | 'gzip' | 'identity';

/** `available`: the codings the document was stored in (identity always is). */
export function chooseCoding(acceptEncoding: string | undefined, available: readonly Coding[] = ['br', 'gzip']): Coding {
  if (!acceptEncoding) return 'identity';
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
    weights.set(name.trim(), q === undefined ? 1 : Number(q));
  }
  const weight = (coding: string) => weights.get(coding) ?? (weights.has('*') ? (weights.get('*') ?? 0) : 0);
  const br = available.includes('br') ? weight('br') : 0;
  const gzip = available.includes('gzip') ? weight('gzip') : 0;
  if (br > 0 && br >= gzip) return 'br';
  if (gzip > 0) return 'gzip';
  return 'identity';
}
