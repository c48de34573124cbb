// The demo site's Content-Security-Policy, written once: scripts/serve.mjs sends it as an HTTP header
// on every response (page, workers, sw.js), the service worker adds it to what it serves, and the
// build puts the <meta> form (which cannot carry frame-ancestors) into index.html.

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
