import type { Logger } from 'pino';

export interface CloseStep {
  name: string;
  run: () => Promise<unknown>;
}

/**
 * Run every cleanup step in order, each even if an earlier one failed (as BullMQ's
 * Worker.close does), and report each failure; resolves with the names of the failed steps.
 */
export async function runCloseSteps(steps: CloseStep[], log: Logger): Promise<string[]> {
  const failed: string[] = [];
  for (const step of steps) {
    try {
      await step.run();
    } catch (error) {
      failed.push(step.name);
      log.error({ step: step.name, err: error instanceof Error ? error.message : String(error) }, 'shutdown step failed');
    }
  }
  return failed;
}
