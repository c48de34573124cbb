// The demo site's Content-Security-Policy and cross-origin isolation headers, written once:
// scripts/serve.mjs sends them on every response (page, workers, sw.js), the service worker adds them
// to what it serves, and the build puts the <meta> CSP (which cannot carry frame-ancestors) into index.html.

/** The policy as the page's <meta> tag carries it. */
export const CSP_META = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

/** The full policy for the Content-Security-Policy response header: the meta policy plus no framing. */
export const CSP_HEADER = `${CSP_META}; frame-ancestors 'none'`;

/**
 * Cross-origin isolation: SharedArrayBuffer, so the page's training worker can use the threaded
 * build on every core. Headers only (no <meta> form exists); every resource of the site is same-origin.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
