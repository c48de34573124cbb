// Firefox: threads in the page, as in tests/browser/threads.spec.ts. Isolated by the server's headers
// the worker trains with every core, and a service worker that takes control while the threads are
// parked (Atomics.wait) does not stall the page's fetches or reloads; on a bare static host the
// service worker adds COOP/COEP and the page, reloaded once by itself, trains with threads too.
import { expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { majorityRate, untilServiceWorkerControls } from '../browser/page-checks';
import { type Env, SITE_DIR, chooseSample, serve, setEpochs, text, trainToDone, waitReady, waitText, withSession } from './driver';

const IRIS = readFileSync(resolve(SITE_DIR, 'samples/iris.csv'), 'utf8');

/** The page is cross-origin isolated and its engine line names every core as its thread count. */
async function expectAllCores(page: Page): Promise<void> {
  expect(await page.evaluate(() => crossOriginIsolated), '[firefox] crossOriginIsolated').toBe(true);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  await waitText(page, '#engine', `SIMD128, ${cores} threads`);
}

/** Trains iris for a few epochs and requires it learned: clearly above guessing the majority class. */
async function expectLearns(page: Page): Promise<void> {
  await setEpochs(page, 3);
  await trainToDone(page);
  const acc = Number(await text(page, 'metric-accuracy'));
  expect(acc).toBeGreaterThan(majorityRate(IRIS, 'species') + 0.25);
  expect(acc).toBeLessThanOrEqual(1);
}

/** Registers the site's service worker again under another script URL (a new version as far as the
 *  browser knows): it installs, activates and claims the page, the training worker and its parked
 *  threads now, after the engine started. Resolves with that worker's state once it is activated,
 *  or after 30 s with the state it is stuck in. */
function reinstallServiceWorker(): Promise<string> {
  return navigator.serviceWorker.register('./sw.js?again').then((r) => new Promise<string>((done) => {
    const until = Date.now() + 30_000;
    const check = () => {
      const w = r.active?.scriptURL.endsWith('?again') ? r.active : (r.installing ?? r.waiting ?? r.active);
      if ((w === r.active && w?.state === 'activated') || Date.now() > until) done(w ? `${w.scriptURL.split('/').pop()} ${w.state}` : 'none');
      else setTimeout(check, 50);
    };
    check();
  }));
}

export function threadsFlows(env: Env): void {
  test('isolated by the server, the page trains with every core; a service worker claiming its parked threads stalls nothing', () =>
    withSession(env, async ({ page }) => {
      const response = await page.goto(env.server.url);
      expect(response?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
      await waitReady(page);
      await expectAllCores(page);
      await expectLearns(page);
      // Firefox's clients.claim() waits for every client, a parked pthread never answers: the worker
      // must still activate, and then serve a sample fetch and a reload (navigation) through it.
      await page.evaluate(untilServiceWorkerControls);
      expect(await page.evaluate(reinstallServiceWorker), '[firefox] the new service worker').toBe('sw.js?again activated');
      await chooseSample(page, 'penguins');
      await page.reload();
      await waitReady(page);
      await expectAllCores(page);
      await expectLearns(page);
    }));

  test('on a bare static host the service worker adds COOP/COEP and the page, reloaded once by itself, trains with threads', async () => {
    const server = await serve('/', { securityHeaders: false });
    try {
      await withSession(env, async ({ page }) => {
        const first = await page.goto(server.url);
        expect(first?.headers()['cross-origin-embedder-policy']).toBeUndefined();
        // Once the worker controls the page, the page reloads through it (once): now isolated.
        await expect.poll(() => page.evaluate(() => crossOriginIsolated).catch(() => false), { timeout: 60_000, interval: 200 }).toBe(true);
        await waitReady(page);
        await expectAllCores(page);
        await expectLearns(page);
        expect(await page.evaluate(() => sessionStorage.getItem('moe-isolation-reload'))).toBe('1');
      }, server.url);
    } finally {
      await server.close();
    }
  });
}
