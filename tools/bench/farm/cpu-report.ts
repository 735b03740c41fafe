/**
 * Preloaded into measured processes (`node --import …/cpu-report.js`): at exit, write the
 * process's CPU time (all threads, user + system) to the file FEEDAGG_BENCH_CPU_FILE names.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.FEEDAGG_BENCH_CPU_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ userMicros: usage.userCPUTime, systemMicros: usage.systemCPUTime }));
  });
}
