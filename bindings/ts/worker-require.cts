// The "require" condition of 'moe-wasm/worker': Node >= 20.19 loads the ES module through require(esm);
// older Node gets an error that says how to load it instead (the package is ESM only).
try {
  module.exports = require('./worker-client.js');
} catch (e) {
  const code = (e as { code?: string } | null)?.code;
  if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') throw e;
  throw new Error("'moe-wasm/worker' is an ES module and this Node cannot require() it: use " +
    "`const { createTrainer } = await import('moe-wasm/worker')` (or Node >= 20.19)", { cause: e });
}
