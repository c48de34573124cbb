// Firefox: the strict CSP of tests/browser/xss.spec.ts: the policy allows nothing but this origin
// (no eval, no inline script), the page runs without a single violation, and Firefox enforces it:
// an injected inline script and an inline event handler are refused and reported.
import { expect, test } from 'vitest';
import { cspProblems, tryInlineCode } from '../browser/page-checks';
import { type Env, setEpochs, trainToDone, waitReady, withSession } from './driver';

export function cspFlows(env: Env): void {
  test('the CSP is strict and Firefox enforces it', () =>
    withSession(env, async ({ page, guard }) => {
      await page.goto(env.server.url);
      await waitReady(page);
      const csp = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.getAttribute('content'));
      expect(cspProblems(csp)).toEqual([]);
      // The page itself (engine start, worker, wasm, training) raises no violation at all.
      await setEpochs(page, 2);
      await trainToDone(page);
      expect(guard.cspViolations).toEqual([]);

      const ran = await page.evaluate(tryInlineCode);
      expect(ran.inline).toBeUndefined();
      expect(ran.handler).toBeUndefined();
      // Those two refusals are the only reports (once per policy: the HTTP header and the <meta> tag).
      await expect.poll(() => new Set(guard.cspViolations).size, { timeout: 10_000 }).toBe(2);
      expect(guard.cspViolations.every((v) => v.startsWith('script-src')), guard.cspViolations.join('\n')).toBe(true);
      guard.cspViolations.length = 0;
      // Firefox may or may not pass its CSP warnings to the console; any other error still fails.
      guard.consoleErrors = guard.consoleErrors.filter((e) => !/Content[- ]Security[- ]Policy/i.test(e));
    }));
}
