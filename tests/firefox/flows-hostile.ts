// Firefox: bad and hostile files through the real file inputs, as in tests/browser/hostile.spec.ts
// and xss.spec.ts: refused files get a clear message naming them and the next file works; HTML in
// names, headers, values and class labels is shown as text and never runs.
import { expect, test } from 'vitest';
import { CLASS_A, CLASS_B, FILE, IMG, MODEL_FILE, SCRIPT, TARGET, hostileCsv, injectedProbe } from '../browser/hostile-input';
import { GOOD_CSV } from '../browser/page-checks';
import { type Env, waitText, isHidden, sel, setEpochs, text, trainToDone, upload, waitReady, withSession } from './driver';

export function hostileFlows(env: Env): void {
  test('a JSON file renamed .csv and a ragged CSV are refused clearly; the next file works', () =>
    withSession(env, async ({ page }) => {
      await page.goto(env.server.url);
      await waitReady(page);
      const errorSays = (s: string) => waitText(page, sel('error'), s);
      const trainDisabled = () => page.$eval(sel('train-button'), (b) => (b as HTMLButtonElement).disabled);

      await upload(page, 'csv-input', 'data.csv', JSON.stringify([{ a: 1, b: 2 }, { a: 3, b: 4 }], null, 2));
      await errorSays('data.csv');
      expect(await text(page, 'error')).toContain('JSON');
      expect(await isHidden(page, sel('error'))).toBe(false);
      expect(await trainDisabled()).toBe(true);

      await upload(page, 'csv-input', 'ragged.csv', 'a,b,c\n1,2,3\n4,5\n6,7,8\n9,10,11,12\n');
      await errorSays('ragged.csv');
      expect(await text(page, 'error')).toMatch(/row|line/i);
      expect(await trainDisabled()).toBe(true);

      await upload(page, 'csv-input', 'good.csv', GOOD_CSV);
      await waitText(page, '#data-source', 'good.csv');
      await waitReady(page);
      expect(await isHidden(page, sel('error'))).toBe(true);
      expect(await text(page, 'error')).toBe('');
      await setEpochs(page, 2);
      await trainToDone(page);
    }));

  test('HTML in file names, headers, values and class labels is shown as text and never runs', () =>
    withSession(env, async ({ page }) => {
      await page.goto(env.server.url);
      await waitReady(page);
      const clean = await page.evaluate(injectedProbe);
      expect(clean.xss).toBeUndefined();
      expect(clean.img).toBe(0);

      await upload(page, 'csv-input', FILE, hostileCsv());
      await waitText(page, '#data-source', FILE);
      await waitReady(page);
      const headers = await page.$$eval(`${sel('preview')} thead th`, (ths) => ths.map((th) => th.textContent));
      expect(headers).toContain(IMG);
      expect(headers).toContain(SCRIPT);
      expect(await text(page, 'preview')).toContain(SCRIPT);
      expect(await page.$eval(sel('target-select'), (e) => (e as HTMLSelectElement).value)).toBe(TARGET);

      await setEpochs(page, 3);
      await trainToDone(page);
      const matrix = await text(page, 'confusion-matrix');
      expect(matrix).toContain(CLASS_A);
      expect(matrix).toContain(CLASS_B);

      // A hostile name on a refused model file lands in the error region as text too.
      await upload(page, 'load-model-input', MODEL_FILE, 'not a model');
      await waitText(page, sel('error'), MODEL_FILE);
      // Give any injected handler (onerror/onload fire asynchronously) time to run, then check.
      await new Promise((r) => setTimeout(r, 300));
      const after = await page.evaluate(injectedProbe);
      expect(after.xss).toBeUndefined();
      expect(after.img).toBe(0);
      expect(after.svg).toBe(0);
      expect(after.bold).toBe(0);
      expect(after.scripts).toBe(clean.scripts);
    }));
}
