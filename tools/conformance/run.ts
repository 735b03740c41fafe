#!/usr/bin/env node
/**
 * `npm run conformance -- <corpus dir>`: run `feedagg parse --manifest` over feedparser's test
 * corpus (../shared/corpora/feedparser) and compare with its reference output field by field.
 * Prints agreement per field, ours next to rss-parser's from the same run, and the files whose
 * entries were lost; `--json FILE` writes every difference for study; `--min-agreement 98.5
 * --min-field 97 --max-lost 1` exit 1 when a target is missed.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compareFile, summarize, type FileComparison, type OurResult, type ReferenceDump, type Summary } from './compare.js';
import { assertedValues } from './expectations.js';
import { html5Readings } from './html5-readings.js';
import { parseWithRssParser } from './rss-parser-baseline.js';

interface ReferenceLine {
  path: string;
  base: string | null;
  content_type: string | null;
  dump: ReferenceDump;
}

interface CaseLine {
  path: string;
  expect?: string | null;
}

const CLI = new URL('../../src/cli/main.js', import.meta.url).pathname;

function runBatch(manifest: string, root: string): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, 'parse', '--manifest', manifest, '--root', root], { stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? done(Buffer.concat(chunks).toString('utf8')) : fail(new Error(`feedagg parse --manifest exited ${code}`))));
  });
}

function percent(agreed: number, counted: number): string {
  return counted === 0 ? '     -' : `${((agreed / counted) * 100).toFixed(1).padStart(5)}%`;
}

function cell(agreed: number, counted: number): string {
  return `${String(agreed).padStart(5)} / ${String(counted).padEnd(5)} ${percent(agreed, counted)}`;
}

/** The per-field table: ours, then rss-parser's on the same files. */
function table(ours: Summary, baseline: Summary): string[] {
  const rows = ours.perField.map((row, index) => {
    const other = baseline.perField[index] ?? { agreed: 0, counted: 0 };
    return `${row.field.padEnd(11)} ${cell(row.agreed, row.counted)}   ${cell(other.agreed, other.counted)}`;
  });
  return [
    `${'field'.padEnd(11)} ${'feedagg'.padEnd(20)}   rss-parser`,
    ...rows,
    `${'all'.padEnd(11)} ${cell(ours.agreed, ours.counted)}   ${cell(baseline.agreed, baseline.counted)}`,
    `${'files lost'.padEnd(11)} ${String(ours.lostFiles.length).padEnd(20)}   ${baseline.lostFiles.length}`,
  ];
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { json: { type: 'string' }, 'min-agreement': { type: 'string' }, 'min-field': { type: 'string' }, 'max-lost': { type: 'string' } },
    allowPositionals: true,
  });
  const dir = resolve(positionals[0] ?? '../shared/corpora/feedparser');
  const references = (await readFile(join(dir, 'reference.feedparser-6.0.10.jsonl'), 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as ReferenceLine);
  const usable = references.filter((line) => !line.dump.reference_error);
  const work = await mkdtemp(join(tmpdir(), 'feedagg-conformance-'));
  try {
    const manifest = join(work, 'manifest.jsonl');
    await writeFile(manifest, usable.map((line) => JSON.stringify({ path: line.path, base: line.base, contentType: line.content_type })).join('\n'));
    const started = process.hrtime.bigint();
    const output = await runBatch(manifest, dir);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const ours = output.split('\n').filter(Boolean).map((line) => JSON.parse(line) as OurResult);
    const cases = new Map((await readFile(join(dir, 'cases.jsonl'), 'utf8').catch(() => '')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as CaseLine).map((line) => [line.path, new Map([...assertedValues(line.expect), ...html5Readings(line.path)])]));
    const comparisons: FileComparison[] = usable.map((line, index) => compareFile(line.path, line.dump, ours[index] ?? { path: line.path }, cases.get(line.path)));
    const summary = summarize(comparisons);
    const baselineResults = await parseWithRssParser(dir, usable.map((line) => ({ path: line.path, contentType: line.content_type })));
    const baseline = summarize(usable.map((line, index) => compareFile(line.path, line.dump, baselineResults[index] ?? { path: line.path }, cases.get(line.path))));
    const lines = [
      `feedparser conformance: ${summary.files} files (${references.length - usable.length} without a reference dump skipped), parsed in ${seconds.toFixed(1)} s`,
      'agreed / counted: the entry count once per file, each field of each entry once (two empty values are not counted)',
      '',
      ...table(summary, baseline),
      '',
      `files whose entries were lost: ${summary.lostFiles.length}`,
      ...summary.lostFiles.map((path) => `  ${path}${ours.find((line) => line.path === path)?.error ? ` (${ours.find((line) => line.path === path)?.error?.code})` : ''}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (values.json) await writeFile(values.json, JSON.stringify(comparisons.filter((file) => file.differences.length > 0), null, 1));
    // Thresholds make the run a regression check (CI uses the targets of issue 4).
    const agreement = (summary.agreed / Math.max(1, summary.counted)) * 100;
    const minAgreement = values['min-agreement'] === undefined ? null : Number(values['min-agreement']);
    const minField = values['min-field'] === undefined ? null : Number(values['min-field']);
    const maxLost = values['max-lost'] === undefined ? null : Number(values['max-lost']);
    const weakFields = minField === null ? [] : summary.perField.filter((row) => row.counted > 0 && (row.agreed / row.counted) * 100 < minField);
    const failures = [
      ...(minAgreement !== null && agreement < minAgreement ? [`agreement ${agreement.toFixed(1)}% is below ${minAgreement}%`] : []),
      ...weakFields.map((row) => `${row.field} agrees on ${percent(row.agreed, row.counted).trim()}, below ${minField}%`),
      ...(maxLost !== null && summary.lostFiles.length > maxLost ? [`${summary.lostFiles.length} files lost their entries (at most ${maxLost})`] : []),
    ];
    for (const failure of failures) process.stderr.write(`conformance: ${failure}\n`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (error: unknown) => {
  process.stderr.write(`conformance: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
