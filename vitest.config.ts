import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'src/**/*.test.ts', 'config/**/*.test.ts', 'jobs/**/*.test.ts', 'tools/**/*.test.ts'],
    globalSetup: ['tests/setup/redis-server.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: end-to-end files spawn CLI processes and Redis work; keep parallelism modest.
    maxWorkers: 2,
  },
});
