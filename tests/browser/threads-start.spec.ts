// A threaded engine that never finishes starting (what Firefox 153 ESR now and then does: the
// training worker's `new Worker()` for its thread pool never returns) must not leave the page stuck:
// the page gives the start up, tries once more, and after a second stuck start trains on one thread
// and says why. Imitated here by serving the thread pool's worker script as one that never answers.
// The page's 20 s start timeout is shortened through its test-only knob (`__moeStartMs`, read once by
// web/src/engine.ts): long enough for a healthy threaded start on a loaded machine, far below 20 s.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { byId, expect, expectClean, guardPage, setEpochs, test, trainToDone, waitReady } from './fixtures';

/** A proxy in front of the site (the worker's nested requests are out of Playwright's routing) that
 *  serves the first `times` requests for the threads' worker script as a worker that never answers. */
async function stallingProxy(site: string, times: number): Promise<{ url: string; stalled(): number; close(): Promise<void> }> {
  let stalled = 0;
  const server = createServer(async (req, res) => {
    const upstream = await fetch(new URL(req.url ?? '/', site));
    const headers = Object.fromEntries([...upstream.headers].filter(([k]) => k !== 'content-length' && k !== 'content-encoding'));
    let body: Buffer | string = Buffer.from(await upstream.arrayBuffer());
    if (/moe-threads\.worker[^/]*\.js$/.test(req.url ?? '') && stalled < times) {
      stalled++;
      body = 'self.onmessage = () => {};';
    }
    res.writeHead(upstream.status, headers).end(body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    stalled: () => stalled,
    close: () => new Promise((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}

/** The start timeout the page gets here. Where the retried start must succeed it bounds a healthy
 *  threaded start (well under a second on an idle machine), so it keeps a wide margin for load. */
const START_MS = { retried: 8_000, bothStuck: 3_000 };

for (const { times, want, startMs, name } of [
  { times: 1, want: 'threads', startMs: START_MS.retried, name: 'a threaded start that never finishes is tried again and the page trains with every core' },
  { times: 2, want: '1 thread (the threaded engine did not start in time)', startMs: START_MS.bothStuck, name: 'two stuck threaded starts: the page trains on one thread and says why' },
]) {
  test(name, async ({ browser, site }) => {
    test.setTimeout(150_000);
    const proxy = await stallingProxy(site, times);
    const context = await browser.newContext({ serviceWorkers: 'block' });
    await context.addInitScript((ms) => { (globalThis as { __moeStartMs?: number }).__moeStartMs = ms; }, startMs);
    try {
      const page = await context.newPage();
      const guard = await guardPage(page, new URL(proxy.url).origin);
      await page.goto(proxy.url);
      await expect(page.locator('body')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
      await waitReady(page);
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      await expect(byId(page, 'engine')).toContainText(want === 'threads' ? `SIMD128, ${cores} threads` : want);
      // Every stuck start asked for the threads' script (a start given up early still asks, later).
      await expect.poll(() => proxy.stalled()).toBe(times);
      await setEpochs(page, 4);
      await trainToDone(page);
      expect(Number(await byId(page, 'metric-accuracy').textContent())).toBeGreaterThan(0.5);
      expectClean(guard);
    } finally {
      await context.close();
      await proxy.close();
    }
  });
}
