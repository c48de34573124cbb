// The target's sanity check on the data card: an identifier, free-text or date column chosen as the
// target needs an explicit confirmation that says why it is a bad idea (the package's reason), and
// columns the package left out of the features (identifiers, free text) are listed with their reasons.
import type { RemoteDataset } from 'moe-wasm/worker';

const LEFT_OUT = new Set(['identifier', 'free text']);

export class TargetCheck {
  #confirmed = true;

  constructor(private box: HTMLElement, private dropped: HTMLElement, private onChange: () => void) {}

  /** False while a questionable target waits for its confirmation. */
  get ok(): boolean { return this.#confirmed; }

  clear(): void {
    this.#confirmed = true;
    this.box.replaceChildren();
    this.box.hidden = true;
    this.dropped.replaceChildren();
    this.dropped.hidden = true;
  }

  show(ds: RemoteDataset): void {
    this.clear();
    const target = ds.columns.find((c) => c.kind === 'target');
    if (target && target.role !== 'target' && target.role !== 'feature') {
      this.#confirmed = false;
      const why = document.createElement('p');
      why.textContent = `"${target.name}" looks like ${target.role === 'identifier' ? 'an identifier' : target.role === 'date' ? 'a date' : 'free text'}: ` +
        `${target.reason || 'a model cannot learn to predict it'}. A model trained on it will predict nothing useful; choose another target column, or:`;
      const go = document.createElement('button');
      go.type = 'button';
      go.dataset.testid = 'target-confirm-button';
      go.textContent = `Train on "${target.name}" anyway`;
      go.addEventListener('click', () => {
        this.#confirmed = true;
        this.box.hidden = true;
        this.onChange();
      });
      this.box.append(why, go);
      this.box.hidden = false;
    }
    const left = ds.columns.filter((c) => c.kind !== 'target' && LEFT_OUT.has(c.role));
    if (left.length) {
      const p = document.createElement('p');
      p.textContent = 'Left out of the features: ';
      const ul = document.createElement('ul');
      for (const c of left) {
        const li = document.createElement('li');
        li.textContent = `${c.name} (${c.role}${c.reason ? `: ${c.reason}` : ''})`;
        ul.append(li);
      }
      this.dropped.append(p, ul);
      this.dropped.hidden = false;
    }
  }
}
