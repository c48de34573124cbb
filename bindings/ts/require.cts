// The "require" condition of 'moe-wasm': Node >= 20.19 loads the ES module through require(esm);
// older Node gets an error that says how to load it instead (the package is ESM only).
try {
  module.exports = require('./index.js');
} catch (e) {
  const code = (e as { code?: string } | null)?.code;
  if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') throw e;
  throw new Error("'moe-wasm' is an ES module and this Node cannot require() it: use " +
    "`const { init, Dataset, MoE } = await import('moe-wasm')` (or Node >= 20.19)", { cause: e });
}
