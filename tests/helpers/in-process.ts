/** An in-process runtime on a test prefix: connections and queues, no workers unless started. */
import type { Config } from '../../config/schema.js';
import { validatedConfig } from '../../config/load-config.js';
import { createLogger } from '../../src/runtime/logger.js';
import { openRuntime, type Runtime } from '../../src/runtime/runtime.js';

export function testConfig(redisUrl: string, prefix: string, outputDir: string, overrides: Record<string, unknown> = {}): Config {
  return validatedConfig({
    redis: { url: redisUrl, prefix },
    output: { dir: outputDir, maxAge: '3650d' },
    ...overrides,
    fetch: { timeout: '3s', allowPrivateNetworks: true, perHostInterval: '10ms', ...(overrides.fetch as Record<string, unknown> | undefined) },
  }, 'test config', {});
}

export async function openTestRuntime(config: Config): Promise<Runtime> {
  return openRuntime(config, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'));
}
