import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeBody } from './decode-body.js';

const xml = (encoding: string, text: string) => `<?xml version="1.0" encoding="${encoding}"?><rss><channel><title>${text}</title></channel></rss>`;

describe('decodeBody', () => {
  it.each([
    ['a UTF-8 BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml('utf-8', 'café'))]), null, 'café', 'utf-8'],
    ['the Content-Type charset', iconv.encode(xml('utf-8', 'café'), 'windows-1252'), 'text/xml; charset=windows-1252', 'café', 'windows-1252'],
    ['the XML declaration', iconv.encode(xml('ISO-8859-1', 'naïve'), 'latin1'), 'text/xml', 'naïve', 'iso-8859-1'],
    ['KOI8-R from the declaration', iconv.encode(xml('koi8-r', 'Привет'), 'koi8-r'), null, 'Привет', 'koi8-r'],
    ['UTF-16LE with a BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(xml('utf-16', 'ü'), 'utf-16le')]), null, 'ü', 'utf-16le'],
    ['plain UTF-8 by default', Buffer.from(xml('bogus-charset', '日本')), null, '日本', 'utf-8'],
  ])('uses %s', (_name, bytes, contentType, expected, encoding) => {
    const decoded = decodeBody(bytes, contentType);
    expect(decoded.text).toContain(`<title>${expected}</title>`);
    expect(decoded.encoding).toBe(encoding);
  });

  it('reads UTF-8 with one invalid byte as UTF-8, the bad byte replaced, not the whole document as mojibake', () => {
    const good = Buffer.from(xml('utf-8', 'Ærø café — 日本語 naïve'));
    const title = good.indexOf('café');
    const bytes = Buffer.concat([good.subarray(0, title), Buffer.from([0xff]), good.subarray(title)]);
    const decoded = decodeBody(bytes, 'application/rss+xml');
    expect(decoded).toMatchObject({ encoding: 'utf-8' });
    expect(decoded.text).toContain('<title>Ærø \uFFFDcafé — 日本語 naïve</title>');
  });

  it('still detects a legacy charset whose bytes are not UTF-8 at all', () => {
    const bytes = iconv.encode(xml('utf-8', 'Crème brûlée à la française, été'), 'windows-1252');
    const decoded = decodeBody(bytes, null);
    expect(decoded.text).toContain('Crème brûlée à la française, été');
    expect(decoded.encoding).not.toBe('utf-8');
  });
});
