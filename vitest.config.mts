import { defineConfig } from 'vitest/config';

// Process tests run in the forks pool: the subreaper bit, signal dispositions and masks belong
// to a whole process, and worker threads receive no signals (node-pid1.md §6).
export default defineConfig({
  test: {
    pool: 'forks',
    isolate: true,
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
