// Engine-neutral pieces shared by the Chromium specs (Playwright) and the Firefox tests
// (puppeteer-core over WebDriver BiDi): the CSV inputs, the CSP rule, and functions that run
// inside the page through page.evaluate / init scripts (self-contained: no outer references).

/** What must never happen on a page; both engines' guards fill this and check it after each test. */
export interface Guard {
  consoleErrors: string[];
  cspViolations: string[];
  foreignRequests: string[];
}

export const newGuard = (): Guard => ({ consoleErrors: [], cspViolations: [], foreignRequests: [] });

/** True when a request the page made leaves `origin` (blob: and data: URLs stay in the page). */
export function isForeign(url: string, origin: string): boolean {
  if (url.startsWith('blob:') || url.startsWith('data:')) return false;
  return new URL(url).origin !== origin;
}

/** Console errors a browser may log for a failed service-worker update check while offline. */
export const OFFLINE_NOISE = /sw\.js|ServiceWorker|ERR_CONNECTION_REFUSED|NetworkError/i;

/** 10 rows, two numeric features and the class column `kind` (the suggested target). */
export const GOOD_CSV = 'a,b,kind\n1,2,x\n2,1,y\n3,4,x\n4,3,y\n5,6,x\n6,5,y\n7,8,x\n8,7,y\n9,10,x\n10,9,y\n';

/** 60 rows x1,x2,label,score: `score` (numeric, last) is suggested -> regression; `label` is a
 *  2-class column whose first value looks like HTML (it must show as text). */
export function mixedCsv(): string {
  const rows = ['x1,x2,label,score'];
  for (let i = 0; i < 60; i++) {
    const x1 = ((i * 37) % 17) / 4;
    const x2 = ((i * 11) % 13) / 3;
    const label = i === 0 ? '<b>odd</b>' : x1 > x2 ? 'big' : 'small';
    rows.push(`${x1},${x2},${label},${(x1 * 2 + x2 + (i % 5) / 10).toFixed(3)}`);
  }
  return rows.join('\n') + '\n';
}

/** The share of rows holding `column`'s most common value: the accuracy of always guessing the
 *  majority class, the floor a model that learned must clearly beat. */
export function majorityRate(csv: string, column: string): number {
  const [header, ...rows] = csv.trim().split('\n');
  const at = header.split(',').indexOf(column);
  if (at < 0) throw new Error(`majorityRate: no column ${column}`);
  const counts = new Map<string, number>();
  for (const row of rows) {
    const v = row.split(',')[at];
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return Math.max(...counts.values()) / rows.length;
}

/** The CSP sources the page may use; anything else (a host, 'unsafe-inline', 'unsafe-eval') is a problem. */
const CSP_ALLOWED = ["'self'", "'none'", "'wasm-unsafe-eval'", 'blob:', 'data:'];

/** Problems with the page's CSP meta content (empty when the policy is as strict as required). */
export function cspProblems(content: string | null): string[] {
  if (!content) return ['no Content-Security-Policy meta tag'];
  const directives = new Map(
    content.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([k, ...v]) => [k, v] as const),
  );
  const problems: string[] = [];
  const exactlySelf = (name: string) => {
    if (directives.get(name)?.join(' ') !== "'self'") problems.push(`${name} is not exactly 'self'`);
  };
  exactlySelf('default-src');
  exactlySelf('connect-src'); // data never leaves for another origin
  if (!directives.has('script-src')) problems.push('no script-src');
  for (const [name, sources] of directives) {
    for (const s of sources) if (!CSP_ALLOWED.includes(s)) problems.push(`${name} allows ${s}`);
  }
  return problems;
}

/** In the page, before any page script: forwards each CSP violation to the exposed function `reportName`. */
export function reportCspViolations(reportName: string): void {
  document.addEventListener('securitypolicyviolation', (e) => {
    const report = (window as unknown as Record<string, (s: string) => void>)[reportName];
    report(`${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
  });
}

/** In the page: appends an inline <script> and an inline onclick handler (the two ways injected
 *  HTML would run); returns what ran (both undefined under the strict CSP). */
export function tryInlineCode(): { inline?: number; handler?: number } {
  const s = document.createElement('script');
  s.textContent = 'window.__inline = 1';
  document.body.append(s);
  const b = document.createElement('button');
  b.setAttribute('onclick', 'window.__handler = 1');
  document.body.append(b);
  b.click();
  b.remove();
  const w = window as unknown as { __inline?: number; __handler?: number };
  return { inline: w.__inline, handler: w.__handler };
}

/** In the page: the fraction of a canvas's pixels that are painted (alpha > 0). */
export function paintedFraction(c: HTMLCanvasElement): number {
  const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
  return n / (c.width * c.height);
}

/** In the page: resolves once the service worker is active and controls this page. */
export async function untilServiceWorkerControls(): Promise<void> {
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
  }
}

/** The cells of one CSV line (RFC 4180 quotes). */
export function csvCells(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { out.push(cell); cell = ''; } else cell += ch;
  }
  out.push(cell);
  return out;
}

/** A predictions download as comparable rows: the given columns (default: all but `split`), rows sorted. */
export function predictionRows(csv: string, from: 'all' | 'prediction' = 'all'): string[] {
  const [head, ...rows] = csv.trim().split('\n');
  const names = csvCells(head);
  const keep = names.map((n, i) => (from === 'prediction' ? i >= names.indexOf('prediction') : n !== 'split'));
  return rows.map((r) => csvCells(r).filter((_, i) => keep[i]).join(',')).sort();
}
