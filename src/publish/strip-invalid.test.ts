import { describe, expect, it } from 'vitest';
import { stripInvalidXmlCharacters } from './published-item.js';

describe('stripInvalidXmlCharacters (XML 1.0 section 2.2)', () => {
  it('drops C0 controls but tab, LF and CR, U+FFFE, U+FFFF and lone surrogates; keeps pairs and the rest', () => {
    expect(stripInvalidXmlCharacters('a\u0000b\u0001c\td\ne\rf\u001fg')).toBe('abc\td\ne\rfg');
    expect(stripInvalidXmlCharacters('x\ufffey\uffffz')).toBe('xyz');
    expect(stripInvalidXmlCharacters('emoji 😀 kept, lone \ud800 and \udc00 gone')).toBe('emoji 😀 kept, lone  and  gone');
    expect(stripInvalidXmlCharacters('\udc00\ud800')).toBe('');
    expect(stripInvalidXmlCharacters('end \ud83d')).toBe('end ');
    // Halves with something between them are not a pair.
    expect(stripInvalidXmlCharacters('\ud800\u0001\udc00')).toBe('');
    const clean = 'plain text, é, \ue000 private use';
    expect(stripInvalidXmlCharacters(clean)).toBe(clean);
  });
});
