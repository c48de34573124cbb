// The built site after its first visit: the service worker serves it with the server gone, and it
// still trains. Also: the build works under a sub-path.
import { SITE_DIR, byId, expect, expectClean, guardPage, serve, setEpochs, test, trainToDone, waitReady } from './fixtures';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OFFLINE_NOISE, majorityRate, untilServiceWorkerControls } from './page-checks';

/** The site's default sample, as served: the data both tests train on. */
const IRIS = readFileSync(resolve(SITE_DIR, 'samples/iris.csv'), 'utf8');

test('after the first visit the page reloads and trains offline', async ({ browser }) => {
  const server = await serve();
  const context = await browser.newContext();
  const page = await context.newPage();
  const guard = await guardPage(page, new URL(server.url).origin);
  try {
    await page.goto(server.url);
    await waitReady(page);
    await page.evaluate(untilServiceWorkerControls);
    await server.close();
    await page.reload();
    await waitReady(page);
    await expect(page.locator('#engine')).toContainText('Engine: moe-wasm');
    await setEpochs(page, 3);
    await trainToDone(page);
    // The offline engine really trained: well above iris's majority guess (~0.9 after 3 epochs).
    const acc = Number(await byId(page, 'metric-accuracy').textContent());
    expect(acc).toBeGreaterThan(majorityRate(IRIS, 'species') + 0.25);
    expect(acc).toBeLessThanOrEqual(1);
    // Going offline may make the browser log a failed service-worker update check; nothing else.
    guard.consoleErrors = guard.consoleErrors.filter((e) => !OFFLINE_NOISE.test(e));
    expectClean(guard);
  } finally {
    await context.close();
    await server.close().catch(() => {});
  }
});

test('the same build works under a sub-path', async ({ browser }) => {
  const server = await serve('/moe/');
  const context = await browser.newContext();
  const page = await context.newPage();
  const guard = await guardPage(page, new URL(server.url).origin);
  try {
    expect(server.url).toMatch(/\/moe\/$/);
    await page.goto(server.url);
    await waitReady(page);
    await setEpochs(page, 3);
    await trainToDone(page);
    // It trained, not only ran: clearly above always guessing iris's majority class.
    const acc = Number(await byId(page, 'metric-accuracy').textContent());
    expect(acc).toBeGreaterThan(majorityRate(IRIS, 'species') + 0.25);
    expect(acc).toBeLessThanOrEqual(1);
    expectClean(guard);
  } finally {
    await context.close();
    await server.close();
  }
});
