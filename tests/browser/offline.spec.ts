// The built site after its first visit: the service worker serves it with the server gone, and it
// still trains. Also: the build works under a sub-path.
import { byId, expect, expectClean, guardPage, serve, setEpochs, test, trainToDone, waitReady } from './fixtures';
import { OFFLINE_NOISE, untilServiceWorkerControls } from './page-checks';

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
    // The offline engine really trained: well above iris's 1/3 majority guess (~0.9 after 3 epochs).
    const acc = Number(await byId(page, 'metric-accuracy').textContent());
    expect(acc).toBeGreaterThan(0.6);
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
    await setEpochs(page, 2);
    await trainToDone(page);
    expectClean(guard);
  } finally {
    await context.close();
    await server.close();
  }
});
