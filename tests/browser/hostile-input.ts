// Hostile inputs for the demo page, shared by the Chromium and Firefox tests: HTML/script in a file
// name, column names, category values and class labels, and an in-page probe of whether any of it ran.

export const IMG = '<img src=x onerror="window.__xss=1">';
export const SCRIPT = '<script>window.__xss=2</script>';
export const CLASS_A = '<img src=y onerror="window.__xss=3">';
export const CLASS_B = '<svg onload="window.__xss=4"></svg>';
export const TARGET = '<b id="bold">kind</b>';
export const FILE = '<img src=z onerror="window.__xss=5">.csv';
/** A refused model file's name (no '/', so it can also be a file on disk). */
export const MODEL_FILE = '<img src=w onerror="window.__xss=6">.moe';

const q = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** 40 rows: a categorical column named IMG whose values are SCRIPT/IMG, a numeric column named
 *  SCRIPT, a numeric column, and the target TARGET whose classes are CLASS_A / CLASS_B. */
export function hostileCsv(): string {
  const lines = [[q(IMG), q(SCRIPT), 'num', q(TARGET)].join(',')];
  for (let i = 0; i < 40; i++) {
    const cls = i % 2 === 0 ? CLASS_A : CLASS_B;
    lines.push([q(i % 3 === 0 ? SCRIPT : IMG), String((i * 7) % 11), String(i % 2 === 0 ? i : -i), q(cls)].join(','));
  }
  return lines.join('\n') + '\n';
}

export interface Injected {
  xss: unknown;
  img: number;
  svg: number;
  scripts: number;
  bold: number;
}

/** In the page: whether any injected handler ran and how many elements the inputs could have made. */
export function injectedProbe(): Injected {
  return {
    xss: (window as unknown as { __xss?: unknown }).__xss,
    img: document.querySelectorAll('img').length,
    svg: document.querySelectorAll('svg[onload], svg [onload]').length,
    scripts: document.querySelectorAll('script').length,
    bold: document.querySelectorAll('#bold').length,
  };
}
