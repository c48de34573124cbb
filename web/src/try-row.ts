// "Try a row": a form holding one row's raw values (numbers, category selects) for the model's input
// columns; every edit sends that row through the model's own schema, predict and gate (moe-wasm/worker)
// and shows the prediction, class probabilities and the gate's weight per expert. Text only.
import type { Schema } from 'moe-wasm';
import { expertColor } from './charts';

/** What one row gives back: probabilities (C) or values, gate weights (E), reader notices. */
export interface RowAnswer { output: Float32Array; gate: Float32Array; warnings: string[] }
export type RunRow = (csv: string) => Promise<RowAnswer>;

const DEBOUNCE_MS = 60;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

/** A cell of the one-row CSV the reader gets back (RFC 4180 quoting only: this text is input to the
 *  package's reader, not a file for spreadsheets, so csvCell's formula guard would change values). */
const cell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * The raw values of one encoded row (numRows x numFeatures layout, D = schema.featureNames.length):
 * numeric features back through their standardisation, one-hot groups to their category.
 */
export function rawValues(schema: Schema, row: Float32Array): Map<string, string> {
  const out = new Map<string, string>();
  let f = 0;
  for (const c of schema.columns) {
    if (c.kind === 'numeric') {
      out.set(c.name, String(Number((row[f++] * c.scale + c.mean).toPrecision(6))));
    } else if (c.kind === 'categorical') {
      let best = -1;
      c.categories.forEach((_, k) => { if (row[f + k] > 0.5 && (best < 0 || row[f + k] > row[f + best])) best = k; });
      out.set(c.name, best >= 0 ? c.categories[best] : '');
      f += c.categories.length;
    }
  }
  return out;
}

export class TryRow {
  #schema: Schema | null = null;
  #run: RunRow | null = null;
  #timer = 0;
  #token = 0;

  constructor(private card: HTMLElement, private form: HTMLFormElement, private prediction: HTMLElement, private gate: HTMLElement) {
    form.addEventListener('input', () => this.#schedule());
    form.addEventListener('change', () => this.#schedule());
    form.addEventListener('submit', (e) => e.preventDefault());
  }

  clear(): void {
    this.#schema = null;
    this.#run = null;
    this.#token++;
    this.form.replaceChildren();
    this.prediction.replaceChildren();
    this.gate.replaceChildren();
    this.card.hidden = true;
  }

  /** Builds the form for `schema`'s input columns, prefilled with `values`, and answers it once. */
  show(schema: Schema, values: Map<string, string>, run: RunRow): Promise<void> {
    this.clear();
    this.#schema = schema;
    this.#run = run;
    for (const c of schema.columns) {
      if (c.kind !== 'numeric' && c.kind !== 'categorical') continue;
      const label = el('label', c.name);
      let field: HTMLInputElement | HTMLSelectElement;
      if (c.kind === 'numeric') {
        field = el('input');
        field.type = 'number';
        field.step = 'any';
      } else {
        field = el('select');
        for (const cat of c.categories) {
          const o = el('option', cat);
          o.value = cat;
          field.append(o);
        }
      }
      field.name = c.name;
      field.value = values.get(c.name) ?? '';
      label.append(field);
      this.form.append(label);
    }
    this.card.hidden = false;
    return this.#answer();
  }

  #schedule(): void {
    window.clearTimeout(this.#timer);
    this.#timer = window.setTimeout(() => void this.#answer(), DEBOUNCE_MS);
  }

  /** The form as a one-row CSV: header of the input columns, then the values as typed. */
  csv(): string {
    const fields = Array.from(this.form.elements) as (HTMLInputElement | HTMLSelectElement)[];
    return `${fields.map((f) => cell(f.name)).join(',')}\n${fields.map((f) => cell(f.value.trim())).join(',')}\n`;
  }

  async #answer(): Promise<void> {
    if (!this.#schema || !this.#run) return;
    const token = ++this.#token;
    const schema = this.#schema;
    try {
      const a = await this.#run(this.csv());
      if (token !== this.#token) return;
      this.#render(schema, a);
    } catch (err) {
      if (token !== this.#token) return;
      this.prediction.replaceChildren(el('p', `This row cannot be predicted: ${err instanceof Error ? err.message : String(err)}`, 'warning'));
      this.gate.replaceChildren();
    }
  }

  #render(schema: Schema, a: RowAnswer): void {
    const out: HTMLElement[] = [];
    if (schema.task === 'classification') {
      const p = Array.from(a.output);
      const best = p.indexOf(Math.max(...p));
      out.push(el('p', `Prediction: ${schema.classes[best] ?? best}`, 'try-answer'));
      const list = el('ul', undefined, 'try-probs');
      p.forEach((v, k) => {
        const li = el('li', `${schema.classes[k] ?? k}: ${v.toFixed(4)}`);
        li.dataset.class = schema.classes[k] ?? String(k);
        li.dataset.p = String(v);
        list.append(li);
      });
      out.push(list);
    } else {
      const p = el('p', `Prediction: ${schema.target} = ${Number(a.output[0].toPrecision(6))}`, 'try-answer');
      p.dataset.value = String(a.output[0]);
      out.push(p);
    }
    for (const w of a.warnings) out.push(el('p', w, 'warning'));
    this.prediction.replaceChildren(...out);
    const bars = el('ul', undefined, 'try-gate-list');
    Array.from(a.gate).forEach((g, e) => {
      const li = el('li');
      li.dataset.weight = String(g);
      const sw = el('span', undefined, 'swatch');
      sw.style.background = expertColor(e);
      const bar = el('span', undefined, 'try-bar');
      bar.style.width = `${(g * 100).toFixed(1)}%`;
      bar.style.background = expertColor(e);
      li.append(sw, el('span', `expert ${e + 1}: ${g.toFixed(3)}`), bar);
      bars.append(li);
    });
    this.gate.replaceChildren(bars);
  }
}
