// Threads in the page: served by npm start's server (COOP + COEP headers) the page is cross-origin
// isolated and its worker trains with every core (2 here); on a bare static host it first falls back
// to one thread and says why, then the service worker adds the headers and the page, reloaded once
// by itself, is isolated.
import { byId, expect, guardPage, expectClean, serve, setEpochs, test, trainToDone, waitReady } from './fixtures';

test('served with COOP/COEP, the page is cross-origin isolated and trains with 2 threads', async ({ page, site, guard }) => {
  const response = await page.goto(site);
  expect(response!.headers()['cross-origin-opener-policy']).toBe('same-origin');
  expect(response!.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  await waitReady(page);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  await expect(byId(page, 'engine')).toContainText(`SIMD128, ${cores} threads`);
  await setEpochs(page, 4);
  await trainToDone(page);
  expect(Number(await byId(page, 'metric-accuracy').textContent())).toBeGreaterThan(0.5);
  expectClean(guard);
});

test('without isolation (a bare static host, no service worker) it trains on 1 thread and says why', async ({ browser }) => {
  const server = await serve('/', { securityHeaders: false });
  const context = await browser.newContext({ serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    const guard = await guardPage(page, new URL(server.url).origin);
    await page.goto(server.url);
    await waitReady(page);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    await expect(byId(page, 'engine')).toContainText('SIMD128, 1 thread (');
    await expect(byId(page, 'engine')).toContainText('not cross-origin isolated');
    await setEpochs(page, 2);
    await trainToDone(page);
    expectClean(guard);
  } finally {
    await context.close();
    await server.close();
  }
});

test('on a bare static host the service worker adds COOP/COEP and the page, reloaded once by itself, trains with threads', async ({ browser }) => {
  const server = await serve('/', { securityHeaders: false });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const guard = await guardPage(page, new URL(server.url).origin);
    const first = await page.goto(server.url);
    expect(first!.headers()['cross-origin-embedder-policy']).toBeUndefined();
    // Once the worker controls the page, the page reloads through it (once): now isolated.
    await expect.poll(() => page.evaluate(() => crossOriginIsolated).catch(() => false), { timeout: 60_000 }).toBe(true);
    await waitReady(page);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    await expect(byId(page, 'engine')).toContainText(`SIMD128, ${cores} threads`);
    await setEpochs(page, 2);
    await trainToDone(page);
    expect(await page.evaluate(() => sessionStorage.getItem('moe-isolation-reload'))).toBe('1');
    expectClean(guard);
  } finally {
    await context.close();
    await server.close();
  }
});
