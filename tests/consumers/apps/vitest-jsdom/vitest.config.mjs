// A component-test setup as apps have it: Vitest with the jsdom environment (window and document
// exist, yet files live on disk); moe-wasm must still load its .wasm.
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { environment: 'jsdom', include: ['*.test.js'] } });
