// Vitest for the package suite (tests/js): Node, against the built package in dist/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/js/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores on the CI machine: run files one at a time in forks (wasm memory per worker).
    pool: 'forks',
    fileParallelism: false,
  },
});
