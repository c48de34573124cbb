// `moe-wasm export model.moe out/ --format pytorch`: writes the files of toPyTorch() into a directory
// (created if missing). Node only; the CLI calls it, the package's browser code never imports it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MoEError } from './errors.js';
import type { MoE } from './model.js';

/** Writes model.py, weights.safetensors, schema.json and train_ddp.py into dir; returns the paths. */
export function writePyTorchExport(model: MoE, dir: string): string[] {
  const files = model.toPyTorch();
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new MoEError(`cannot create the output directory '${dir}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return Object.entries(files).map(([name, content]) => {
    const path = join(dir, name);
    try {
      writeFileSync(path, content);
    } catch (e) {
      throw new MoEError(`cannot write '${path}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    return path;
  });
}
