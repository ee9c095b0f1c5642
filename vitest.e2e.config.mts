import { defineConfig } from 'vitest/config';

// The end-to-end suite (npm run test:e2e): real containers under a private dockerd that
// global-setup.ts starts and stops. One file at a time: the machine has two cores.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
