/**
 * A condition a test needs (a tool installed, a corpus present). When it does not hold, the
 * run prints why the test is skipped, with what would make it run, instead of skipping mutely.
 */
export function needs(condition: boolean, missing: string): boolean {
  if (!condition) console.warn(`skipped: ${missing}`);
  return condition;
}
