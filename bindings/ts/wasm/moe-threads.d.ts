// Type of the Emscripten ES6 glue that scripts/build-wasm.sh copies to dist/wasm/moe-threads.js.
declare const createMoeModule: (args: object) => Promise<unknown>;
export default createMoeModule;
