// Vitest for the Firefox layer (tests/firefox): drives dist/site in Debian's firefox-esr over
// WebDriver BiDi; one file, one fork, one browser (two shared cores).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'firefox',
    root: new URL('.', import.meta.url).pathname,
    include: ['*.test.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
