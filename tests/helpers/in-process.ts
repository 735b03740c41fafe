/** An in-process runtime on a test prefix: connections and queues, no workers unless started. */
import { configSchema, type Config } from '../../config/schema.js';
import { createLogger } from '../../src/runtime/logger.js';
import { openRuntime, type Runtime } from '../../src/runtime/runtime.js';

export function testConfig(redisUrl: string, prefix: string, outputDir: string, overrides: Record<string, unknown> = {}): Config {
  return configSchema.parse({
    redis: { url: redisUrl, prefix },
    output: { dir: outputDir, maxAge: '3650d' },
    ...overrides,
    fetch: { timeout: '3s', allowPrivateNetworks: true, perHostInterval: '10ms', ...(overrides.fetch as Record<string, unknown> | undefined) },
  });
}

export async function openTestRuntime(config: Config): Promise<Runtime> {
  return openRuntime(config, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'));
}
