// The copy-paste onnxruntime-web snippet for a downloaded model.onnx: the model's schema (its
// preprocessing) written into the code, encode(row) applying it to a row of raw values exactly as
// the package does (standardise numbers, one-hot categories, impute missing), then session.run.
import type { Schema } from 'moe-wasm';

/** JavaScript source for the model with `schema`, saved as `file`. */
export function onnxSnippet(schema: Schema, file: string): string {
  const output = schema.task === 'classification' ? 'probabilities' : 'values';
  const example = Object.fromEntries(schema.columns.flatMap((c): [string, string | number][] =>
    c.kind === 'numeric' ? [[c.name, Number(c.mean.toPrecision(4))]] : c.kind === 'categorical' ? [[c.name, c.categories[0] ?? '']] : []));
  return `import * as ort from 'onnxruntime-web';

// The preprocessing this model was trained with (moe-wasm schema).
const schema = ${JSON.stringify({ task: schema.task, classes: schema.classes, columns: schema.columns.filter((c) => c.kind === 'numeric' || c.kind === 'categorical') })};

// One row of raw values ({ column: value }) -> the model's input features.
export function encode(row) {
  const x = [];
  for (const c of schema.columns) {
    const v = row[c.name];
    const missing = v === undefined || v === null || v === '';
    if (c.kind === 'numeric') {
      const n = missing ? NaN : Number(v);
      x.push(((Number.isFinite(n) ? n : c.impute) - c.mean) / c.scale);
    } else {
      const k = missing ? c.impute : c.categories.indexOf(String(v).trim());
      for (let j = 0; j < c.categories.length; j++) x.push(j === k ? 1 : 0);
    }
  }
  return Float32Array.from(x);
}

export async function predict(session, row) {
  const x = encode(row);
  const out = await session.run({ features: new ort.Tensor('float32', x, [1, x.length]) });
  const y = Array.from(out.${output}.data);
  return schema.task === 'classification'
    ? { prediction: schema.classes[y.indexOf(Math.max(...y))], probabilities: Object.fromEntries(schema.classes.map((c, k) => [c, y[k]])) }
    : { prediction: y[0] };
}

// Usage:
// const session = await ort.InferenceSession.create(${JSON.stringify(file)});
// console.log(await predict(session, ${JSON.stringify(example)}));
`;
}
