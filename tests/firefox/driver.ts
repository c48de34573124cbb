// Drives the demo page in Firefox through its data-testid contract (puppeteer-core over BiDi): one
// browser context per test with its own download folder, and a guard that records console errors,
// page errors, CSP violations and requests to other origins (the same Guard the Chromium specs use).
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import { expect } from 'vitest';
import { type Guard, isForeign, newGuard, reportCspViolations } from '../browser/page-checks';
// @ts-expect-error plain ESM script without type declarations
import { startServer } from '../../scripts/serve.mjs';

export const SITE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/site');

export interface Server {
  url: string;
  close(): Promise<void>;
}

/** dist/site on 127.0.0.1 (a free port), optionally under a sub-path; `securityHeaders: false`
 *  imitates a bare static host (no COOP/COEP/CSP headers: only the service worker adds them). */
export function serve(prefix = '/', options: { securityHeaders?: boolean } = {}): Promise<Server> {
  return startServer({ root: SITE_DIR, port: 0, host: '127.0.0.1', prefix, ...options });
}

export interface Session {
  page: Page;
  guard: Guard;
  context: BrowserContext;
  /** Folder the browser saves this test's downloads into. */
  downloads: string;
  /** Folder of the files this test picks in file inputs (kept until the session closes: Firefox
   *  reads a picked file from disk when the page reads it, not when it is picked). */
  uploads: string;
  /** Console errors and warnings of the page and its workers (a failed test shows them). */
  warnings: string[];
}

const uploadDirs = new WeakMap<Page, string>();
const FIREFOX_START_MS = 8_000;

export async function openSession(browser: Browser, origin: string): Promise<Session> {
  const downloads = await mkdtemp(join(tmpdir(), 'moe-firefox-dl-'));
  const context = await browser.createBrowserContext({ downloadBehavior: { policy: 'allow', downloadPath: downloads } });
  const page = await context.newPage();
  const uploads = await mkdtemp(join(tmpdir(), 'moe-firefox-up-'));
  uploadDirs.set(page, uploads);
  const guard = newGuard();
  const warnings: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') guard.consoleErrors.push(m.text());
    if (m.type() === 'error' || m.type() === 'warn' || m.type() === 'warning') warnings.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => guard.consoleErrors.push(`pageerror: ${(e as Error).message ?? e}`));
  page.on('request', (r) => {
    if (isForeign(r.url(), origin)) guard.foreignRequests.push(r.url());
  });
  await page.exposeFunction('__reportCsp', (s: string) => void guard.cspViolations.push(s));
  await page.evaluateOnNewDocument(reportCspViolations, '__reportCsp');
  // The page's test-only start timeout (web/src/engine.ts): Firefox's own stuck threaded start (about
  // one load in 40) is retried after 8 s instead of 20 s; a healthy start here takes 1-2 s.
  await page.evaluateOnNewDocument((ms: number) => { (globalThis as { __moeStartMs?: number }).__moeStartMs = ms; }, FIREFOX_START_MS);
  return { page, guard, context, downloads, uploads, warnings };
}

export async function closeSession(s: Session): Promise<void> {
  await s.context.close().catch(() => {});
  await rm(s.downloads, { recursive: true, force: true });
  await rm(s.uploads, { recursive: true, force: true });
}

export function expectClean(g: Guard): void {
  expect(g.cspViolations, '[firefox] CSP violations').toEqual([]);
  expect(g.consoleErrors, '[firefox] console errors').toEqual([]);
  expect(g.foreignRequests, '[firefox] requests to other origins').toEqual([]);
}

export const sel = (testId: string) => `[data-testid="${testId}"]`;

export const text = (page: Page, testId: string) => page.$eval(sel(testId), (e) => e.textContent ?? '');

/** Whether the element is not rendered (hidden attribute or display: none on it or an ancestor). */
export const isHidden = (page: Page, css: string) =>
  page.$eval(css, (e) => (e as HTMLElement).hidden || (e as HTMLElement).offsetParent === null);

export const progressValue = (page: Page) => page.$eval(sel('epoch-progress'), (p) => (p as HTMLProgressElement).value);

/** Waits for body[data-state]; on timeout the error says where the page is stuck and why. */
export async function waitState(page: Page, want: string, timeout = 60_000): Promise<void> {
  try {
    await page.waitForFunction((s) => document.body.dataset.state === s, { timeout, polling: 100 }, want);
  } catch {
    const where = await page.evaluate(async () => {
      const r = await Promise.race([navigator.serviceWorker.getRegistration(), new Promise<undefined>((ok) => setTimeout(ok, 2000))]);
      const sw = (w?: ServiceWorker | null) => w && `${w.scriptURL.split('/').pop()} ${w.state}`;
      return {
        state: document.body.dataset.state,
        status: document.querySelector('[data-testid="status"]')?.textContent,
        error: document.querySelector('[data-testid="error"]')?.textContent,
        engine: document.querySelector('#engine')?.textContent,
        serviceWorker: r ? { active: sw(r.active), waiting: sw(r.waiting), installing: sw(r.installing), controller: sw(navigator.serviceWorker.controller) } : 'none',
      };
    });
    throw new Error(`[firefox] page never reached data-state="${want}": ${JSON.stringify(where)}`);
  }
}

/** Waits until the element matching `css` contains `want`; on timeout the error shows what it holds. */
export async function waitText(page: Page, css: string, want: string, timeout = 20_000): Promise<void> {
  try {
    await page.waitForFunction((c, t) => document.querySelector(c)?.textContent?.includes(t), { timeout, polling: 100 }, css, want);
  } catch {
    const where = await page.evaluate((c) => ({
      text: document.querySelector(c)?.textContent,
      state: document.body.dataset.state,
      status: document.querySelector('[data-testid="status"]')?.textContent,
      error: document.querySelector('[data-testid="error"]')?.textContent,
    }), css);
    throw new Error(`[firefox] ${css} never contained ${JSON.stringify(want)}: ${JSON.stringify(where)}`);
  }
}

/** Data loaded and the engine up: Train is enabled. */
export async function waitReady(page: Page): Promise<void> {
  await waitState(page, 'ready');
  await page.waitForSelector(`${sel('train-button')}:not([disabled])`, { timeout: 20_000 });
}

/** Picks a built-in sample and waits until its file is the page's data (the fetch is asynchronous:
 *  until then the previous data stays loaded and the page stays "ready"). */
export async function chooseSample(page: Page, id: string): Promise<void> {
  await page.select(sel('sample-select'), id);
  await waitText(page, '#data-source', `${id}.csv`);
  await waitReady(page);
}

export const click = (page: Page, testId: string) => page.locator(sel(testId)).click();

export const setEpochs = (page: Page, n: number) => page.locator(sel('epochs-input')).fill(String(n));

export async function trainToDone(page: Page): Promise<void> {
  await click(page, 'train-button');
  await waitState(page, 'done');
}

/** Picks a real file from disk through the file input (what a user's file dialog does). */
export async function upload(page: Page, testId: string, name: string, content: string | Buffer): Promise<void> {
  const dir = uploadDirs.get(page);
  if (!dir) throw new Error('[firefox] upload() needs a page from openSession()');
  const path = await mkdtemp(join(dir, 'f-')).then((d) => join(d, name));
  await writeFile(path, content);
  const input = await page.$(sel(testId));
  if (!input) throw new Error(`[firefox] no ${sel(testId)} on the page`);
  await (input as unknown as { uploadFile(...p: string[]): Promise<void> }).uploadFile(path);
}

/** Clicks a download button and returns the saved file's bytes once Firefox has finished writing it. */
export async function download(s: Session, testId: string, name: string): Promise<Buffer> {
  await click(s.page, testId);
  const path = join(s.downloads, name);
  await expect
    .poll(async () => {
      const files = await readdir(s.downloads);
      return files.includes(name) && !files.some((f) => f.endsWith('.part'));
    }, { timeout: 30_000, interval: 100, message: `[firefox] ${name} downloaded` })
    .toBe(true);
  const bytes = await readFile(path);
  await rm(path);
  return bytes;
}

/** What the flows share: one Firefox for the whole run and the site's server. */
export interface Env {
  browser: Browser;
  server: Server;
}

/** Runs `fn` in a fresh browser context on `origin` (the shared server unless given) and fails the
 *  test if the guard saw anything, after `fn` itself passed. */
export async function withSession(env: Env, fn: (s: Session) => Promise<void>, origin = env.server.url): Promise<void> {
  const s = await openSession(env.browser, new URL(origin).origin);
  try {
    await fn(s);
    expectClean(s.guard);
  } catch (e) {
    if (e instanceof Error && s.warnings.length) e.message += `\n[firefox] console errors and warnings:\n${s.warnings.join('\n')}`;
    throw e;
  } finally {
    await closeSession(s);
  }
}
