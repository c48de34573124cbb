// Shared fixtures for the demo-site specs: a static server on a free port for dist/site, and a guard
// on every page that fails the test on console errors, page errors, CSP violations or any request
// to another origin. Also small helpers that drive the page through its data-testid contract.
import { test as base, expect, type Page } from '@playwright/test';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Guard, isForeign, newGuard, reportCspViolations } from './page-checks';
// @ts-expect-error plain ESM script without type declarations
import { startServer } from '../../scripts/serve.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
export const SITE_DIR = resolve(HERE, '../../dist/site');
export const RESULTS_DIR = resolve(HERE, '../../test-results');

export interface Server {
  url: string;
  close(): Promise<void>;
}

export type { Guard };

export async function serve(prefix = '/', options: { securityHeaders?: boolean } = {}): Promise<Server> {
  return startServer({ root: SITE_DIR, port: 0, host: '127.0.0.1', prefix, ...options });
}

/** Records what must never happen on the page; checked after each test. */
export async function guardPage(page: Page, origin: string): Promise<Guard> {
  const g = newGuard();
  page.on('console', (m) => {
    if (m.type() === 'error') g.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => g.consoleErrors.push(`pageerror: ${e.message}`));
  page.context().on('request', (r) => {
    if (isForeign(r.url(), origin)) g.foreignRequests.push(r.url());
  });
  await page.exposeFunction('__reportCsp', (s: string) => g.cspViolations.push(s));
  await page.addInitScript(reportCspViolations, '__reportCsp');
  return g;
}

export function expectClean(g: Guard): void {
  expect(g.cspViolations, 'CSP violations').toEqual([]);
  expect(g.consoleErrors, 'console errors').toEqual([]);
  expect(g.foreignRequests, 'requests to other origins').toEqual([]);
}

export const test = base.extend<{ guard: Guard; site: string }, { server: Server }>({
  server: [
    async ({}, use) => {
      const s = await serve();
      await use(s);
      await s.close();
    },
    { scope: 'worker' },
  ],
  site: async ({ server }, use) => use(server.url),
  guard: [
    async ({ page, server }, use) => {
      const g = await guardPage(page, new URL(server.url).origin);
      await use(g);
      expectClean(g);
    },
    { auto: true },
  ],
});
export { expect };

export const byId = (page: Page, id: string) => page.getByTestId(id);

/** Waits until the page has data loaded and the engine is up (Train enabled). */
export async function waitReady(page: Page): Promise<void> {
  await expect(page.locator('body')).toHaveAttribute('data-state', 'ready');
  await expect(byId(page, 'train-button')).toBeEnabled();
}

/** Picks a built-in sample and waits until its file is the page's data: the fetch is asynchronous,
 *  and until it lands the previous data stays loaded and the page stays "ready". */
export async function chooseSample(page: Page, id: string): Promise<void> {
  await byId(page, 'sample-select').selectOption(id);
  await expect(page.locator('#data-source')).toContainText(`${id}.csv`);
  await waitReady(page);
}

export async function setEpochs(page: Page, n: number): Promise<void> {
  await byId(page, 'epochs-input').fill(String(n));
}

/** Presses Train and waits for the finished state. */
export async function trainToDone(page: Page): Promise<void> {
  await byId(page, 'train-button').click();
  await expect(page.locator('body')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
}

/** Clicks a download button and returns the file's bytes; `name`: the file name the page must offer. */
export async function readDownload(page: Page, testId: string, name?: string): Promise<Buffer> {
  const [dl] = await Promise.all([page.waitForEvent('download'), byId(page, testId).click()]);
  if (name !== undefined) expect(dl.suggestedFilename()).toBe(name);
  const path = await dl.path();
  const { readFile } = await import('node:fs/promises');
  return readFile(path);
}
