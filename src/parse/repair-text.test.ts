import { describe, expect, it } from 'vitest';
import { c1ToWindows1252, repairDoubleEncoding } from './repair-text.js';
import { escapeControlCharacters, parseLenientJson } from './lenient-json.js';

describe('repair-text', () => {
  it.each([
    ['don\u0092t', 'don\u2019t'],
    ['\u0093quoted\u0094 \u0080 5', '\u201cquoted\u201d \u20ac 5'],
    ['\u0081 has no Windows-1252 character', '\u0081 has no Windows-1252 character'],
    ['plain text', 'plain text'],
  ])('C1 controls are Windows-1252: %s', (input, output) => {
    expect(c1ToWindows1252(input)).toBe(output);
  });

  it.each([
    ['UTF-8 read as Windows-1252', 'caf\u00c3\u00a9 \u00e2\u20ac\u201c ok', 'caf\u00e9 \u2013 ok'],
    ['UTF-8 read as Latin-1 (C1 bytes kept)', '\u00e2\u0080\u00a6', '\u2026'],
    ['real Latin-1 text stays', 'caf\u00e9 cr\u00e8me', 'caf\u00e9 cr\u00e8me'],
    ['a value with characters beyond one byte stays', 'caf\u00c3\u00a9 \u4e2d', 'caf\u00c3\u00a9 \u4e2d'],
    ['bytes that are not UTF-8 stay', '\u00c3 alone \u00c3\u00c3', '\u00c3 alone \u00c3\u00c3'],
  ])('double encoding: %s', (_name, input, output) => {
    expect(repairDoubleEncoding(input)).toBe(output);
  });
});

describe('lenient JSON', () => {
  it('escapes raw control characters inside strings only', () => {
    expect(escapeControlCharacters('{\n"a": "x\ty\nz",\t"b": "q\\"\n"}')).toBe('{\n"a": "x\\u0009y\\u000az",\t"b": "q\\"\\u000a"}');
    expect(parseLenientJson('{"title": "Tabs\tand\nnewlines"}')).toEqual({ title: 'Tabs\tand\nnewlines' });
  });

  it('reports the first error when control characters were not the problem', () => {
    expect(() => parseLenientJson('{"a": "x\ny",}')).toThrow(/invalid JSON/);
  });
});
