// The model card's helpers: presets (Quick / Balanced / Thorough), top-k fields shown only with top-k
// gating, and the settings kept in the page address (#experts=8&epochs=100...) so a link shares a
// setup. Only these option fields ever go into the address: never a file name, column or value.

/** URL key -> form field id. */
const FIELDS: Record<string, string> = {
  experts: 'opt-experts', expertHidden: 'opt-expert-hidden', gating: 'opt-gating', k: 'opt-k', noise: 'opt-noise',
  epochs: 'opt-epochs', batchSize: 'opt-batch', learningRate: 'opt-lr', validationSplit: 'opt-val', seed: 'opt-seed',
  gateHidden: 'opt-gate-hidden', activation: 'opt-activation', loadBalance: 'opt-load-balance', optimizer: 'opt-optimizer',
  testFraction: 'opt-test', patience: 'opt-patience',
};

const PRESETS: Record<string, Record<string, string>> = {
  quick: { experts: '2', expertHidden: '16', gateHidden: '8', epochs: '15', batchSize: '64', learningRate: '0.01', patience: '0' },
  balanced: { experts: '4', expertHidden: '32', gateHidden: '16', epochs: '40', batchSize: '32', learningRate: '0.01', patience: '0' },
  thorough: { experts: '8', expertHidden: '64, 32', gateHidden: '32', epochs: '200', batchSize: '32', learningRate: '0.005', patience: '15' },
};

type Field = HTMLInputElement | HTMLSelectElement;
const field = (key: string) => document.getElementById(FIELDS[key]) as Field;
const get = (f: Field) => (f instanceof HTMLInputElement && f.type === 'checkbox' ? String(f.checked) : f.value);
function set(f: Field, v: string): void {
  if (f instanceof HTMLInputElement && f.type === 'checkbox') f.checked = v === 'true';
  else f.value = v;
}

export class Settings {
  #defaults = new Map<string, string>();

  constructor(private card: HTMLElement) {
    for (const key of Object.keys(FIELDS)) this.#defaults.set(key, get(field(key)));
    this.#fromUrl();
    this.#showTopK();
    card.addEventListener('change', () => this.#changed());
    card.addEventListener('input', () => this.#changed());
    card.querySelectorAll<HTMLButtonElement>('[data-preset]').forEach((b) =>
      b.addEventListener('click', () => this.apply(b.dataset.preset!)));
  }

  /** Fills the form with a preset and announces the change like a user edit. */
  apply(preset: string): void {
    for (const [key, v] of Object.entries(PRESETS[preset] ?? {})) set(field(key), v);
    this.card.dispatchEvent(new Event('change', { bubbles: true }));
  }

  /** Turns early stopping on (patience 5 on a 0.2 validation split unless set), as a user edit would. */
  earlyStopping(): void {
    if (Number(get(field('patience'))) === 0) set(field('patience'), '5');
    if (Number(get(field('validationSplit'))) === 0) set(field('validationSplit'), '0.2');
    this.card.dispatchEvent(new Event('change', { bubbles: true }));
  }

  #changed(): void {
    this.#showTopK();
    this.#toUrl();
  }

  #showTopK(): void {
    const topk = field('gating').value === 'topk';
    for (const id of ['field-k', 'field-noise']) (document.getElementById(id) as HTMLElement).hidden = !topk;
  }

  /** Settings that differ from the page's defaults, in the address's fragment (not sent to the server). */
  #toUrl(): void {
    const params = new URLSearchParams();
    for (const key of Object.keys(FIELDS)) {
      const v = get(field(key));
      if (v !== this.#defaults.get(key)) params.set(key, v);
    }
    const hash = params.toString();
    history.replaceState(null, '', hash ? `#${hash}` : location.pathname + location.search);
  }

  #fromUrl(): void {
    const params = new URLSearchParams(location.hash.slice(1));
    for (const [key, v] of params) if (key in FIELDS) set(field(key), v);
  }
}
