// Service worker for the demo site: precaches every file of the build (list and version filled in
// by the build, see vite.config.ts) so the page reloads and trains offline after the first visit.
// Navigations go network-first (fresh page when online), everything else cache-first. Every response
// it serves carries the site's Content-Security-Policy and cross-origin isolation headers (web/csp.mjs),
// so static hosts that cannot send headers still give the page and its workers the policy, and the
// threaded build its SharedArrayBuffer, once the worker controls the page (register-sw.ts reloads once).
const VERSION = '__VERSION__';
const CSP = __CSP__;
const ISOLATION = __ISOLATION__;
const PRECACHE = __PRECACHE__;
const CACHE = `moe-site-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((p) => new URL(p, self.registration.scope).href)))
      .then(() => self.skipWaiting()),
  );
});

// Activation waits for the old caches to go, never for clients.claim(): Firefox resolves claim() only
// once every client has taken the new controller, and a dedicated worker parked in Atomics.wait (an
// idle pthread of the threaded build) never does, so a claim() inside waitUntil left the worker
// 'activating' forever and every fetch it intercepts (navigations too) waiting for it. The page and
// its training worker are controlled at once either way (docs/threads.md).
self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('moe-site-') && k !== CACHE).map((k) => caches.delete(k)))),
  );
  self.clients.claim().catch(() => {});
});

async function fromNetwork(request, cache) {
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') await cache.put(request, response.clone());
  return response;
}

// The same response with the policy headers added (a copy: responses are immutable).
function withPolicy(response) {
  if (response.type !== 'basic' && response.type !== 'default') return response;
  const headers = new Headers(response.headers);
  headers.set('Content-Security-Policy', CSP);
  headers.set('X-Content-Type-Options', 'nosniff');
  for (const [name, value] of Object.entries(ISOLATION)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !url.href.startsWith(self.registration.scope)) return;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => withPolicy(await respond(request, cache))),
  );
});

// Navigations network-first (the cached page when offline), everything else cache-first.
async function respond(request, cache) {
  if (request.mode === 'navigate') {
    try {
      return await fromNetwork(request, cache);
    } catch (err) {
      const page = (await cache.match(request, { ignoreSearch: true })) ?? (await cache.match(new URL('./', self.registration.scope).href));
      if (page) return page;
      throw err;
    }
  }
  return (await cache.match(request)) ?? fromNetwork(request, cache);
}
