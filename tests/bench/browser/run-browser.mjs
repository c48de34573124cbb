// Runs the browser bench pages in Chromium (/usr/bin/chromium through playwright-core; never
// `playwright install`): the repo is served on 127.0.0.1 by scripts/serve.mjs with the site's headers
// (web/csp.mjs: COOP/COEP, so the page is cross-origin isolated; not the site's CSP), one fresh page per job.
// Returns { results: { key: run }, failures: { key: reason } }.
import { existsSync } from 'node:fs';
import { startServer } from '../../../scripts/serve.mjs';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic'];

/** Each job: { key, fn: the page's window function ('benchW1', 'benchWorker'), args: its arguments }. */
export async function runBrowserJobs(root, jobs) {
  const results = {}, failures = {};
  if (!existsSync(CHROMIUM)) {
    for (const j of jobs) failures[j.key] = `${CHROMIUM} not found (Debian package chromium)`;
    return { results, failures };
  }
  const { chromium } = await import('playwright-core');
  const server = await startServer({ root, port: 0, csp: false }); // TF.js's bundles eval, which the site's CSP forbids
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    for (const job of jobs) {
      process.stderr.write(`bench: browser ${job.key} ... `);
      const page = await browser.newPage();
      try {
        const errors = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        await page.goto(`${server.url.replace(/\/$/, '')}/tests/bench/browser/index.html`);
        await page.waitForFunction((fn) => typeof window[fn] === 'function', job.fn, { timeout: 60_000 })
          .catch(() => { throw new Error(`page did not load: ${errors.join(' | ') || 'timeout'}`); });
        const r = await page.evaluate(([fn, args]) => window[fn](...args), [job.fn, job.args]);
        results[job.key] = r;
        process.stderr.write(`${Math.round(r.samplesPerSecond.at(-1))} samples/s\n`);
      } catch (err) {
        failures[job.key] = String(err.message ?? err).split('\n')[0];
        process.stderr.write(`could not run: ${failures[job.key]}\n`);
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
