/**
 * `npm run build`, after tsc: the CLI (dist/src/cli/main.js) becomes one file, in place,
 * dependencies included. Every command loaded 500+ CommonJS modules one by one (bullmq,
 * ioredis, undici…): 0.55 s of a 4.5 s steady `run --once` on 2,000 feeds (issue 17). The
 * document thread stays as tsc wrote it: bundled, its threads peaked higher in the fault
 * suite's hostile phase (274–396 MB against 286–297 MB, three runs each). So do the other
 * compiled modules (benchmarks, fault suite). esbuild: one dev dependency, no plugins.
 */
import { rm } from 'node:fs/promises';
import { build } from 'esbuild';

const ENTRIES = ['dist/src/cli/main.js'];

// Some bundled CommonJS code calls require() for Node's own modules: an ES module has none.
const REQUIRE = "import { createRequire as feedaggCreateRequire } from 'node:module'; const require = feedaggCreateRequire(import.meta.url);";

for (const entry of ENTRIES) {
  await build({
    entryPoints: [entry],
    outfile: entry,
    allowOverwrite: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: REQUIRE },
    legalComments: 'none',
    logLevel: 'warning',
  });
  // tsc's map describes the file before bundling.
  await rm(`${entry}.map`, { force: true });
}
