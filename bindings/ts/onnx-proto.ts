// A minimal protobuf writer for the ONNX messages moe-wasm exports (ModelProto and what it holds).
// Encode-only, no dependencies; field numbers follow onnx/onnx.proto3 (IR version 7, opset 13).

/** Growable byte sink with the protobuf wire primitives. */
class Writer {
  private buf = new Uint8Array(256);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  varint(value: number): void {
    // Non-negative integers up to 2^53: 7 bits a byte, low groups first.
    this.reserve(10);
    let v = value;
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
  }

  tag(field: number, wireType: 0 | 2 | 5): void {
    this.varint(field * 8 + wireType);
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

const utf8 = new TextEncoder();

/** One protobuf message under construction; fields are written in call order. */
export class Message {
  private readonly w = new Writer();

  int(field: number, value: number): this {
    if (value < 0 || !Number.isInteger(value)) throw new RangeError(`protobuf int field ${field}: ${value}`);
    this.w.tag(field, 0);
    this.w.varint(value);
    return this;
  }

  /** An int64 field that may be negative (two's complement, 10-byte varint when < 0). */
  int64(field: number, value: number): this {
    if (value >= 0) return this.int(field, value);
    let v = BigInt.asUintN(64, BigInt(value));
    const bytes: number[] = [];
    while (v >= 0x80n) {
      bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    bytes.push(Number(v));
    this.w.tag(field, 0);
    this.w.bytes(Uint8Array.from(bytes));
    return this;
  }

  string(field: number, value: string): this {
    return this.raw(field, utf8.encode(value));
  }

  message(field: number, value: Message): this {
    return this.raw(field, value.finish());
  }

  raw(field: number, data: Uint8Array): this {
    this.w.tag(field, 2);
    this.w.varint(data.length);
    this.w.bytes(data);
    return this;
  }

  finish(): Uint8Array {
    return this.w.finish();
  }
}

// ---- ONNX messages -----------------------------------------------------------------------------

export const enum DataType {
  Float = 1,
  Int64 = 7,
}

export type Dim = number | string;

/** TensorProto: dims=1, data_type=2, int64_data=7, name=8, raw_data=9. */
export function tensor(name: string, dims: readonly number[], data: Float32Array | readonly number[], type: DataType = DataType.Float): Message {
  const t = new Message();
  for (const d of dims) t.int(1, d);
  t.int(2, type);
  t.string(8, name);
  if (type === DataType.Float) {
    const bytes = new Uint8Array(data.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
    t.raw(9, bytes);
  } else {
    const bytes = new Uint8Array(data.length * 8);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < data.length; i++) view.setBigInt64(i * 8, BigInt(data[i]), true);
    t.raw(9, bytes);
  }
  return t;
}

/** ValueInfoProto (name=1, type=2) of a tensor; TypeProto.tensor_type=1 {elem_type=1, shape=2 {dim=1 {dim_value=1 | dim_param=2}}}. */
export function valueInfo(name: string, type: DataType, dims: readonly Dim[]): Message {
  const shape = new Message();
  for (const d of dims) {
    const dim = new Message();
    if (typeof d === 'number') dim.int(1, d);
    else dim.string(2, d);
    shape.message(1, dim);
  }
  const tensorType = new Message().int(1, type).message(2, shape);
  const typeProto = new Message().message(1, tensorType);
  return new Message().string(1, name).message(2, typeProto);
}

export type Attribute =
  | { name: string; int: number }
  | { name: string; ints: number[] }
  | { name: string; tensor: Message };

/** AttributeProto: name=1, i=3, t=5, ints=8, type=20 (INT=2, TENSOR=4, INTS=7). */
function attribute(a: Attribute): Message {
  const m = new Message().string(1, a.name);
  if ('int' in a) return m.int64(3, a.int).int(20, 2);
  if ('ints' in a) {
    for (const v of a.ints) m.int64(8, v);
    return m.int(20, 7);
  }
  return m.message(5, a.tensor).int(20, 4);
}

/** NodeProto: input=1, output=2, name=3, op_type=4, attribute=5. */
export function node(opType: string, inputs: string[], outputs: string[], name: string, attrs: Attribute[] = []): Message {
  const n = new Message();
  for (const i of inputs) n.string(1, i);
  for (const o of outputs) n.string(2, o);
  n.string(3, name).string(4, opType);
  for (const a of attrs) n.message(5, attribute(a));
  return n;
}
