// Runs W1 in Chromium (/usr/bin/chromium through playwright-core; never `playwright install`): the
// repo is served on 127.0.0.1 by scripts/serve.mjs, one fresh page per (peer, repetition).
// Returns { results: { peer: run }, failures: { peer: reason } }.
import { existsSync } from 'node:fs';
import { startServer } from '../../../scripts/serve.mjs';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic'];

export async function runBrowser(root, workload, epochs, peers = ['moe', 'tfjs']) {
  const results = {}, failures = {};
  if (!existsSync(CHROMIUM)) {
    for (const p of peers) failures[p] = `${CHROMIUM} not found (Debian package chromium)`;
    return { results, failures };
  }
  const { chromium } = await import('playwright-core');
  const server = await startServer({ root, port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    for (const peer of peers) {
      process.stderr.write(`bench: browser w1 ${peer} ... `);
      const page = await browser.newPage();
      try {
        const errors = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        await page.goto(`${server.url.replace(/\/$/, '')}/tests/bench/browser/index.html`);
        await page.waitForFunction(() => typeof window.benchW1 === 'function', null, { timeout: 60_000 })
          .catch(() => { throw new Error(`page did not load: ${errors.join(' | ') || 'timeout'}`); });
        const r = await page.evaluate(([p, w, e]) => window.benchW1(p, w, e), [peer, workload, epochs]);
        results[peer] = r;
        process.stderr.write(`${Math.round(r.samplesPerSecond.at(-1))} samples/s\n`);
      } catch (err) {
        failures[peer] = String(err.message ?? err).split('\n')[0];
        process.stderr.write(`could not run: ${failures[peer]}\n`);
      } finally {
        await page.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return { results, failures };
}
