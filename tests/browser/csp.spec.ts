// The site's Content-Security-Policy reaches every context of the page (issue 12): served as HTTP
// headers by npm start's server (page, training worker, sw.js, no framing), and added by the service
// worker on hosts that send no headers. Checked from inside the training worker: eval and a fetch
// to another origin (one that would answer, CORS-open) are refused.
import { createServer, type Server as HttpServer } from 'node:http';
import { test, expect, type Page, type Worker } from '@playwright/test';
import { serve, waitReady } from './fixtures';
import { CSP_HEADER } from '../../web/csp.mjs';

// Another origin (another port) that answers every request, readable from anywhere (CORS *).
async function foreignOrigin(): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const server: HttpServer = createServer((_req, res) => {
    hits++;
    res.writeHead(200, { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'text/plain' }).end('secret-sink');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/collect`, hits: () => hits, close: () => new Promise((ok) => server.close(() => ok())) };
}

async function trainingWorker(page: Page): Promise<Worker> {
  await expect.poll(() => page.workers().some((w) => /worker-host/.test(w.url()))).toBe(true);
  return page.workers().find((w) => /worker-host/.test(w.url()))!;
}

// What the training worker may do: run eval, fetch another origin.
async function probe(worker: Worker, foreign: string): Promise<{ evaluated: string; fetched: string }> {
  return worker.evaluate(async (url) => {
    // Run on a later task: code evaluated by DevTools itself may eval, the worker's own code may not.
    await new Promise((r) => setTimeout(r, 0));
    let evaluated: string;
    try { evaluated = String((0, eval)('6 * 7')); } catch (e) { evaluated = (e as Error).name; }
    let fetched: string;
    try { fetched = await (await fetch(url)).text(); } catch (e) { fetched = (e as Error).name; }
    return { evaluated, fetched };
  }, foreign);
}

test('npm start sends the policy as headers on the page, its workers and sw.js; the worker cannot eval or fetch elsewhere', async ({ browser, request }) => {
  const server = await serve();
  const sink = await foreignOrigin();
  const context = await browser.newContext({ serviceWorkers: 'block' });
  try {
    // The control: without a policy, the other origin answers a cross-origin fetch.
    expect(await (await fetch(sink.url)).text()).toBe('secret-sink');
    const page = await context.newPage();
    const main = await page.goto(server.url);
    expect(main!.headers()['content-security-policy']).toBe(CSP_HEADER);
    expect(CSP_HEADER).toContain("frame-ancestors 'none'");
    await waitReady(page);
    const worker = await trainingWorker(page);
    for (const path of [new URL(worker.url()).pathname.replace(/^\//, ''), 'sw.js']) {
      const r = await request.get(new URL(path, server.url).href);
      expect(r.status(), path).toBe(200);
      expect(r.headers()['content-security-policy'], path).toBe(CSP_HEADER);
    }
    const before = sink.hits();
    expect(await probe(worker, sink.url)).toEqual({ evaluated: 'EvalError', fetched: 'TypeError' });
    expect(sink.hits()).toBe(before);
  } finally {
    await context.close();
    await sink.close();
    await server.close();
  }
});

test('on a host that sends no headers, the service worker adds the policy to the page and the worker', async ({ browser }) => {
  const server = await serve('/', { securityHeaders: false });
  const sink = await foreignOrigin();
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const first = await page.goto(server.url);
    expect(first!.headers()['content-security-policy']).toBeUndefined();
    // Once the service worker controls the page, the page reloads itself through it (to become
    // cross-origin isolated, register-sw.ts).
    await expect.poll(() => page.evaluate(() => crossOriginIsolated).catch(() => false), { timeout: 60_000 }).toBe(true);
    // Another visit: everything comes through the service worker.
    const second = await page.reload();
    expect(second!.headers()['content-security-policy']).toBe(CSP_HEADER);
    await waitReady(page);
    const worker = await trainingWorker(page);
    expect(await probe(worker, sink.url)).toEqual({ evaluated: 'EvalError', fetched: 'TypeError' });
    expect(sink.hits()).toBe(0);
  } finally {
    await context.close();
    await sink.close();
    await server.close();
  }
});
