/**
 * How glibc's malloc should run feedagg (Linux). Bodies, decompression buffers and the
 * documents' strings are large allocations made and freed all the time, on the main thread
 * and in the document threads. glibc serves an allocation of 128 KB or more with its own mmap
 * and gives it back on free, but after the first such free it raises that threshold (up to
 * 32 MB; mallopt(3), M_MMAP_THRESHOLD), so later bodies come from the arenas and their memory
 * stays with the process. Setting the threshold fixes it at 128 KB.
 *
 * Measured with the fault suite's hostile phase (10 runs each, 2026-12-07): the worst peak RSS
 * of a run went from 267–355 MB (1 run of 4 over the 300 MB limit; about half of 20 the
 * session before) to 207–280 MB (none of 10 over; docs/fault-suite.md). The variable must be in the environment when the process
 * starts: the image, `npm start` and the fault suite set it; `start` and `worker` say so when
 * it is missing.
 */
export const MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: '131072' } as const;

/** The advice for this process, or null when it runs as recommended (or not on glibc). */
export function mallocAdvice(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | null {
  if (platform !== 'linux') return null;
  const missing = Object.entries(MALLOC_ENV).filter(([name]) => env[name] === undefined);
  if (missing.length === 0) return null;
  return `set ${missing.map(([name, value]) => `${name}=${value}`).join(' ')} in the environment (the Docker image does): large buffers are then given back to the system, and a process peaks about 20 % lower`;
}
