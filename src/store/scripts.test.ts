/** The store's Lua scripts as they are loaded (issue 19): named headers, includes, layouts by name. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACCEPT_ENTRY, layoutsLua, META } from './layouts.js';
import { SCRIPT_NAMES, scriptSource } from './scripts.js';

const DIR = join(import.meta.dirname, 'scripts');

describe('store scripts', () => {
  it('loads every .lua file of the folder, and only those', () => {
    const files = readdirSync(DIR).filter((name) => name.endsWith('.lua')).map((name) => name.replace(/\.lua$/, ''));
    expect([...SCRIPT_NAMES].sort()).toEqual(files.sort());
  });

  it.each(SCRIPT_NAMES)('%s: a header naming its KEYS and ARGV, every include expanded once', (name) => {
    const file = readFileSync(join(DIR, `${name}.lua`), 'utf8');
    const header = file.split('\n').filter((line) => line.startsWith('-- ')).join('\n');
    expect(header).toMatch(/KEYS:/);
    expect(header).toMatch(/ARGV:/);
    const source = scriptSource(name);
    expect(source).not.toMatch(/@include/);
    for (const [, include] of file.matchAll(/^--- @include "([\w-]+)"$/gm)) {
      const marker = include === 'layouts' ? 'local META' : readFileSync(join(DIR, 'includes', `${include}.lua`), 'utf8').split('\n')[0] ?? '';
      expect(source.split(marker).length - 1, `${name}: ${include}`).toBe(1);
    }
  });

  it.each(SCRIPT_NAMES)('%s: reads article metas and accept arguments by name, not by position', (name) => {
    const source = readFileSync(join(DIR, `${name}.lua`), 'utf8');
    expect(source).not.toMatch(/\b(?:m|known)\[\d+\]/);
    // An entry's arguments (accept.lua's loop variable i) by their ENTRY names.
    if (name === 'accept') expect(source).not.toMatch(/ARGV\[i \+ \d+\]/);
  });

  it('generates the layouts the scripts and TypeScript share', () => {
    expect(Object.values(META).sort((a, b) => a - b)).toEqual(Array.from({ length: Object.keys(META).length }, (_, index) => index + 1));
    expect(new Set(ACCEPT_ENTRY).size).toBe(ACCEPT_ENTRY.length);
    expect(layoutsLua()).toContain(`local ENTRY_ARGS = ${ACCEPT_ENTRY.length}`);
    expect(layoutsLua()).toContain('provenance = 11');
  });

  it('has no Redis TIME-to-ms conversion or host-owner parsing written twice', () => {
    const all = SCRIPT_NAMES.map((name) => readFileSync(join(DIR, `${name}.lua`), 'utf8')).join('\n');
    expect(all).not.toMatch(/redis\.call\('TIME'\)/);
    expect(all).not.toMatch(/string\.match\([^)]*'\^\(\.\*\)\|/);
  });
});
