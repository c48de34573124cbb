// Import of a .safetensors model (e.g. trained in PyTorch from toPyTorch()): the metadata's config
// and schema plus one tensor per parameter, checked against the layout the core builds for that config,
// turned into the model-file bytes loadModel already reads (so every check of the loader still applies).
import { MoEError, check } from './errors.js';
import { guard, type LoadedModule } from './module-loader.js';
import { toRawConfig, type MoEOptions } from './options.js';
import { decodeSafetensors } from './safetensors.js';

/** Metadata keys of the safetensors files toPyTorch() and train_ddp.py write. */
export const META_CONFIG = 'moe-wasm.config';
export const META_SCHEMA = 'moe-wasm.schema';

const WHAT = 'loadModel: the safetensors file';
const shapeText = (s: number[]): string => `[${s.join(', ')}]`;

/** The parameter tensor shapes of the core: weights (in, out), biases (out,). */
export function tensorShape(rows: number, cols: number, name: string): number[] {
  return name.endsWith('.b') ? [cols] : [rows, cols];
}

// CRC-32 (IEEE, reflected 0xEDB88320), as the model file's trailer.
let crcTable: Uint32Array | null = null;
function crc32(b: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[i] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < b.length; i++) crc = crcTable[(crc ^ b[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * Model-file bytes for a safetensors model. A fresh core model is configured from the metadata (the
 * config rules live there), its tensor list is the reference, and its own save() bytes get the file's
 * parameters in place of its initial ones: the model file ends with
 * params (P, f32) | u32 schema length | schema | u32 CRC-32.
 */
export function safetensorsToModelFile(module: LoadedModule, bytes: Uint8Array): Uint8Array {
  const { tensors, metadata } = decodeSafetensors(bytes, WHAT);
  const configText = metadata[META_CONFIG];
  if (configText === undefined) {
    throw new MoEError(`${WHAT} has no '${META_CONFIG}' metadata, so its model configuration is unknown ` +
      '(write it with train_ddp.py or save_safetensors() from the exported model.py)', 'Corrupt');
  }
  let options: MoEOptions;
  try { options = JSON.parse(configText) as MoEOptions; } catch { throw new MoEError(`${WHAT}: the '${META_CONFIG}' metadata is not valid JSON`, 'Corrupt'); }
  let raw;
  try { raw = toRawConfig(options); } catch (e) {
    throw new MoEError(`${WHAT}: its '${META_CONFIG}' metadata is not a valid configuration: ${(e as Error).message}`, 'Corrupt');
  }
  const schema = metadata[META_SCHEMA] ?? '';
  const handle = guard(module, new module.raw.Model());
  try {
    const status = handle.configure(raw);
    if (status.code !== 0) check(status, `${WHAT}: its '${META_CONFIG}' metadata`);
    const layout = check(handle.tensors(), 'loadModel').tensors;
    const expected = new Set(layout.map((t) => t.name));
    for (const name of tensors.keys()) {
      if (!expected.has(name)) {
        throw new MoEError(`${WHAT} has a tensor '${name}' that its config does not have ` +
          `(expected ${layout.length} tensors: ${layout.slice(0, 3).map((t) => t.name).join(', ')}, ...)`, 'Corrupt');
      }
    }
    const params: Float32Array[] = [];
    for (const t of layout) {
      const want = tensorShape(t.rows, t.cols, t.name);
      const got = tensors.get(t.name);
      if (!got) throw new MoEError(`${WHAT} has no tensor '${t.name}' (shape ${shapeText(want)}), which its config needs`, 'Corrupt');
      if (got.shape.length !== want.length || got.shape.some((d, i) => d !== want[i])) {
        throw new MoEError(`${WHAT}: tensor '${t.name}' has shape ${shapeText(got.shape)} but its config needs ${shapeText(want)}`, 'Corrupt');
      }
      const bad = got.data.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new MoEError(`${WHAT}: tensor '${t.name}' holds ${got.data[bad]} at index ${bad}; every weight must be a finite number`, 'Corrupt');
      params.push(got.data);
    }
    const file = check(handle.save(schema), 'loadModel').data.slice();
    const schemaBytes = new TextEncoder().encode(schema).length;
    const total = params.reduce((n, p) => n + p.length, 0);
    let at = file.length - 4 - schemaBytes - 4 - 4 * total;
    const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
    for (const p of params) for (let i = 0; i < p.length; i++, at += 4) view.setFloat32(at, p[i], true);
    view.setUint32(file.length - 4, crc32(file.subarray(0, file.length - 4)), true);
    return file;
  } finally {
    handle.delete();
  }
}
