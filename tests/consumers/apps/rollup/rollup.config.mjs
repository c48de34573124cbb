// Rollup as the README documents it: node-resolve, ES output, moe-wasm/worker-host as a second entry
// (Rollup does not bundle `new Worker(new URL(...))` itself); the .wasm files are copied by the build script.
import { nodeResolve } from '@rollup/plugin-node-resolve';

export default {
  input: { main: 'src/main.js', 'worker-host': 'moe-wasm/worker-host' },
  output: { dir: 'dist', format: 'es' },
  plugins: [nodeResolve()],
};
