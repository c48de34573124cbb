// Firefox: keeping things, as in tests/browser/model.spec.ts and offline.spec.ts: a downloaded model
// loaded into a fresh page predicts the same rows; after the first visit the service worker
// serves the page with the server gone and it still trains; the build works under a sub-path.
import { expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OFFLINE_NOISE, majorityRate, predictionRows, untilServiceWorkerControls } from '../browser/page-checks';
import {
  type Env, SITE_DIR, sel, waitText, chooseSample, download, isHidden, serve, setEpochs, text, trainToDone, upload, waitReady, withSession,
} from './driver';

/** The site's default sample, as served: the data the offline and sub-path flows train on. */
const IRIS = readFileSync(resolve(SITE_DIR, 'samples/iris.csv'), 'utf8');

export function keepFlows(env: Env): void {
  test('a downloaded model, loaded again, predicts exactly the same', () =>
    withSession(env, async (s) => {
      const { page } = s;
      await page.goto(env.server.url);
      await waitReady(page);
      await chooseSample(page, 'penguins');
      await setEpochs(page, 5);
      await trainToDone(page);

      const before = (await download(s, 'download-predictions', 'penguins-species-predictions.csv')).toString('utf8');
      const lines = before.trim().split('\n');
      expect(lines[0]).toMatch(/,species,split,prediction,p_Adelie,/);
      expect(lines).toHaveLength(345);
      const modelBytes = await download(s, 'download-model', 'penguins-species.moe');
      expect(modelBytes.length).toBeGreaterThan(100);

      // A fresh page (new worker, nothing in memory): load the model and predict on the same sample.
      await page.reload();
      await waitReady(page);
      await chooseSample(page, 'penguins');
      await upload(page, 'load-model-input', 'penguins-species.moe', modelBytes);
      await waitText(page, sel('status'), 'Loaded penguins-species.moe');
      const after = (await download(s, 'download-predictions', 'penguins-species-predictions.csv')).toString('utf8');
      expect(predictionRows(after)).toEqual(predictionRows(before));
      expect(await isHidden(page, '[data-testid="error"]')).toBe(true);
    }));

  test('after the first visit the page reloads and trains offline', async () => {
    const server = await serve();
    try {
      await withSession(env, async ({ page, guard }) => {
        await page.goto(server.url);
        await waitReady(page);
        await page.evaluate(untilServiceWorkerControls);
        await server.close();
        await page.reload();
        await waitReady(page);
        // Served by the service worker (which adds COOP/COEP): isolated, so every core.
        expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
        const cores = await page.evaluate(() => navigator.hardwareConcurrency);
        await waitText(page, '#engine', `SIMD128, ${cores} threads`);
        await setEpochs(page, 3);
        await trainToDone(page);
        // It trained offline: clearly above always guessing iris's majority class.
        const acc = Number(await text(page, 'metric-accuracy'));
        expect(acc).toBeGreaterThan(majorityRate(IRIS, 'species') + 0.25);
        expect(acc).toBeLessThanOrEqual(1);
        // Going offline may make the browser log a failed service-worker update check; nothing else.
        guard.consoleErrors = guard.consoleErrors.filter((e) => !OFFLINE_NOISE.test(e));
      }, server.url);
    } finally {
      await server.close().catch(() => {});
    }
  });

  test('the same build works under a sub-path', async () => {
    const server = await serve('/moe/');
    try {
      expect(server.url).toMatch(/\/moe\/$/);
      await withSession(env, async ({ page }) => {
        await page.goto(server.url);
        await waitReady(page);
        await setEpochs(page, 3);
        await trainToDone(page);
        const acc = Number(await text(page, 'metric-accuracy'));
        expect(acc).toBeGreaterThan(majorityRate(IRIS, 'species') + 0.25);
        expect(acc).toBeLessThanOrEqual(1);
      }, server.url);
    } finally {
      await server.close();
    }
  });
}
