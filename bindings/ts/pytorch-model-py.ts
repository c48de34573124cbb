// model.py of toPyTorch(): the MoE as a torch.nn.Module, safetensors I/O and preprocess(rows), as Python
// source (__CONFIG__ and __VERSION__ are filled in by the exporter). Edit as Python; keep it torch-only.
export const MODEL_PY = String.raw`"""A moe-wasm Mixture-of-Experts model as a PyTorch module (exported by moe-wasm __VERSION__).

Self-contained: needs only torch. The module computes what moe-wasm computes: E expert MLPs, a gating
MLP with dense softmax or (noisy) top-k routing, the mixture likelihood in log space (classification)
or the gate-weighted mean with MSE (regression), the Switch load-balance and router z auxiliary losses.
Parameter names and layouts are moe-wasm's: "expert0.dense0.w" is (in, out), "gate.dense1.b" is (out,).

    model, schema = MoE.from_safetensors("weights.safetensors")
    rows, decimal = read_csv("new.csv")
    x, y = preprocess(rows, schema, decimal)   # encodes raw CSV rows exactly as moe-wasm's Dataset
    model.eval(); probabilities = model(x)      # as moe-wasm's predict
    model.train(); loss, data_loss, aux_loss = model(x, y)
"""
import csv
import json
import math
import os
import re
import struct
import sys

import torch
import torch.nn.functional as F
from torch import nn

# The configuration of the exported model (moe-wasm's MoE options).
CONFIG = json.loads(r'''__CONFIG__''')

_ACTIVATIONS = {"relu": F.relu, "tanh": torch.tanh, "gelu": F.gelu}  # gelu: the exact erf form


class Dense(nn.Module):
    """y = x @ w + b, with w stored (in, out) as moe-wasm stores it."""

    def __init__(self, d_in, d_out):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(d_in, d_out))
        self.b = nn.Parameter(torch.zeros(d_out))

    def forward(self, x):
        return torch.addmm(self.b, x, self.w)


class MLP(nn.Module):
    """dense0 .. denseL: every layer but the last applies the activation."""

    def __init__(self, d_in, hidden, d_out, activation):
        super().__init__()
        dims = [d_in] + list(hidden) + [d_out]
        self.depth = len(dims) - 1
        self.activation = _ACTIVATIONS[activation]
        for layer in range(self.depth):
            self.add_module("dense%d" % layer, Dense(dims[layer], dims[layer + 1]))

    def forward(self, x):
        """(output, h): the output and the input of the last layer (x when there is no hidden layer)."""
        h = x
        for layer in range(self.depth - 1):
            h = self.activation(getattr(self, "dense%d" % layer)(h))
        return getattr(self, "dense%d" % (self.depth - 1))(h), h


class Gate(MLP):
    """The gating MLP (D -> gateHidden -> E) and, for noisy top-k, the noise projection gate.noise."""

    def __init__(self, d_in, hidden, experts, activation, noise):
        super().__init__(d_in, hidden, experts, activation)
        if noise:
            self.noise = Dense(hidden[-1] if hidden else d_in, experts)


class MoE(nn.Module):
    """moe-wasm's Mixture of Experts. model(x) -> (B, C) class probabilities or regression values;
    model(x, y) -> (total loss, data loss, aux loss), the training objective moe-wasm minimises."""

    def __init__(self, config=None):
        super().__init__()
        c = dict(CONFIG if config is None else config)
        gating = c.get("gating", "softmax")
        if isinstance(gating, str):
            gating = {"type": gating}
        self.config = c
        self.task = c.get("task", "classification")
        self.D, self.C, self.E = int(c["inputDim"]), int(c["outputDim"]), int(c.get("experts", 5))
        self.topk = gating["type"] == "topk"
        self.k = int(gating.get("k", 2)) if self.topk else self.E
        self.noisy = self.topk and bool(gating.get("noise", True))
        self.load_balance = float(c.get("loadBalance", 0.01))
        self.z_loss = float(c.get("zLoss", 0.0))
        activation = c.get("activation", "relu")
        for e in range(self.E):
            self.add_module("expert%d" % e, MLP(self.D, c.get("expertHidden", [64, 32]), self.C, activation))
        self.gate = Gate(self.D, c.get("gateHidden", [32]), self.E, activation, self.noisy)

    def expert(self, e):
        return getattr(self, "expert%d" % e)

    def route(self, x, eps=None):
        """(clean, idx, logw): the gate logits (B, E), each row's experts (B, K) (top-k: by descending
        logit, ties to the lower expert; softmax: 0..E-1) and their log gate weights (B, K). In training
        mode noisy top-k adds eps * softplus(gate.noise(h)) to the logits it ranks, eps ~ N(0, 1)
        (pass eps (B, E) to fix the draw)."""
        clean, h = self.gate(x)
        if not self.topk:
            idx = torch.arange(self.E, device=x.device).expand(x.shape[0], self.E)
            return clean, idx, F.log_softmax(clean, dim=1)
        logits = clean
        if self.noisy and self.training:
            if eps is None:
                eps = torch.randn_like(clean)
            logits = clean + eps * F.softplus(self.gate.noise(h))
        kept, idx = torch.sort(logits, dim=1, descending=True, stable=True)
        return clean, idx[:, : self.k], F.log_softmax(kept[:, : self.k], dim=1)

    def expert_outputs(self, x, idx):
        """(B, K, C): the output of each slot's expert; with top-k each expert runs on its rows only."""
        if not self.topk:
            return torch.stack([self.expert(e)(x)[0] for e in range(self.E)], dim=1)
        out = x.new_zeros(idx.shape[0], idx.shape[1], self.C)
        for e in range(self.E):
            rows, slots = (idx == e).nonzero(as_tuple=True)
            if rows.numel() > 0:
                out = out.index_put((rows, slots), self.expert(e)(x[rows])[0])
        return out

    def aux_loss(self, clean, idx):
        """Switch load balance (top-k only): alpha * E * sum_e f_e * mean_rows softmax(clean)_e, with f the
        (constant) fraction of slots routed to e; plus the router z-loss beta * mean_rows logsumexp(clean)^2."""
        aux = clean.new_zeros(())
        if self.topk and self.load_balance > 0:
            f = torch.bincount(idx.reshape(-1), minlength=self.E).to(clean.dtype) / idx.numel()
            aux = aux + self.load_balance * self.E * (f * F.softmax(clean, dim=1).mean(0)).sum()
        if self.z_loss > 0:
            aux = aux + self.z_loss * torch.logsumexp(clean, dim=1).pow(2).mean()
        return aux

    def forward(self, x, y=None, eps=None):
        clean, idx, logw = self.route(x, eps)
        out = self.expert_outputs(x, idx)
        w = logw.exp().unsqueeze(2)
        if self.task == "classification":
            lp = F.log_softmax(out, dim=2)                                   # (B, K, C)
            if y is None:
                return (w * lp.exp()).sum(1)                                 # mixture probabilities
            lpy = lp.gather(2, y.long().view(-1, 1, 1).expand(-1, lp.shape[1], 1)).squeeze(2)
            data = -torch.logsumexp(logw + lpy, dim=1).mean()                # mixture NLL in log space
        else:
            pred = (w * out).sum(1)
            if y is None:
                return pred
            data = (pred - y.view(pred.shape)).pow(2).mean()                 # mean over rows and targets
        aux = self.aux_loss(clean, idx)
        return data + aux, data, aux

    @classmethod
    def from_safetensors(cls, path):
        """(model, schema): a model from a .safetensors file written by moe-wasm or save_safetensors;
        schema is the preprocessing schema of its metadata (a dict) or None."""
        tensors, meta = read_safetensors(path)
        config = json.loads(meta["moe-wasm.config"]) if "moe-wasm.config" in meta else CONFIG
        model = cls(config)
        with torch.no_grad():
            model.load_state_dict(tensors, strict=True)
        schema = json.loads(meta["moe-wasm.schema"]) if meta.get("moe-wasm.schema") else None
        return model, schema

    def save_safetensors(self, path, schema=None):
        """Writes the parameters with the config (and schema) as metadata; moe-wasm's loadModel reads it."""
        meta = {"format": "pt", "moe-wasm.config": json.dumps(self.config)}
        if schema is not None:
            meta["moe-wasm.schema"] = json.dumps(schema)
        write_safetensors(path, self.state_dict(), meta)


# ---- safetensors (JSON header + raw little-endian float32), standard library + torch only ----

def read_safetensors(path):
    """(tensors by name, metadata dict) of a .safetensors file with F32 tensors."""
    if sys.byteorder != "little":
        raise RuntimeError("read_safetensors assumes a little-endian machine")
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", None) or {}
    data = memoryview(raw)[8 + n :]
    tensors = {}
    for name, e in header.items():
        if e["dtype"] != "F32":
            raise ValueError("tensor %r has dtype %s; only F32 is supported" % (name, e["dtype"]))
        a, b = e["data_offsets"]
        flat = torch.frombuffer(bytearray(data[a:b]), dtype=torch.float32) if b > a else torch.zeros(0)
        tensors[name] = flat.reshape(e["shape"])
    return tensors, meta


def _tensor_bytes(t):
    try:
        return t.numpy().tobytes()
    except (RuntimeError, TypeError, ImportError):  # torch without numpy
        return struct.pack("<%df" % t.numel(), *t.reshape(-1).tolist())


def write_safetensors(path, tensors, metadata):
    """Writes tensors (name -> tensor, in order) as F32 with string metadata."""
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        t = t.detach().to(torch.float32).contiguous().cpu()
        b = _tensor_bytes(t)
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


# ---- preprocessing: moe-wasm's cell rules (numbers, missing tokens) and its Schema, re-applied ----

_MISSING_TOKENS = {"", "na", "n/a", "nan", "null", "none", "nil", "?", "-", ".", "--", "#n/a", "#div/0!",
                   "#value!", "#ref!", "#name?", "#num!", "#null!", "#na", "missing", "-nan", "<na>"}
_FLT_MAX = 3.4028234663852886e38
_MISSING, _NONFINITE, _NUMBER, _TEXT = range(4)
_FULL = {d: re.compile(r"[+-]?(?:[0-9]+(?:%s[0-9]*)?|%s[0-9]+)(?:[eE][+-]?[0-9]+)?\Z" % (re.escape(d), re.escape(d)))
         for d in ".,"}
_GROUPED = {(d, g): re.compile(r"([+-]?)([0-9]{1,3}(?:%s[0-9]{3})+)(?:%s(.*))?\Z" % (re.escape(g), re.escape(d)), re.S)
            for d, g in ((".", ","), (",", "."))}


def f32(v):
    """v rounded to float32 (as a Python float)."""
    try:
        return struct.unpack("<f", struct.pack("<f", v))[0]
    except OverflowError:
        return math.copysign(math.inf, v)


def _parse_full(s, decimal):
    if not _FULL[decimal].match(s):
        return None
    return float(s if decimal == "." else s.replace(decimal, "."))


def _parse_grouped(s, decimal, group):
    if len(s) >= 128:
        return None
    m = _GROUPED[(decimal, group)].match(s)
    if not m or (m.group(3) is not None and group in m.group(3)):
        return None
    return _parse_full(m.group(1) + m.group(2).replace(group, "") + ("." + m.group(3) if m.group(3) is not None else ""), ".")


def parse_cell(text, decimal="."):
    """(kind, value) of one raw cell, as moe-wasm's CSV reader reads it (trimmed of spaces and tabs)."""
    s = (text or "").strip(" \t")
    if not s:
        return _MISSING, None
    v = _parse_full(s, ".")
    if v is None and decimal == ",":
        v = _parse_full(s, ",")
        if v is None:
            v = _parse_grouped(s, ",", ".")
    if v is None and decimal == ".":
        v = _parse_grouped(s, ".", ",")
    if v is not None:
        return (_NONFINITE, None) if not math.isfinite(v) or abs(v) > _FLT_MAX else (_NUMBER, v)
    if len(s) <= 8 and s.lower() in _MISSING_TOKENS:
        return _MISSING, None
    t = s[1:] if s[0] in "+-" else s
    if t.lower() in ("inf", "infinity", "#inf"):
        return _NONFINITE, None
    return _TEXT, s


def format_number(v):
    """The shortest %g text that reads back as the same float32 (how numbers become category names)."""
    for precision in range(6, 18):
        s = "%.*g" % (precision, v)
        if f32(float(s)) == f32(v):
            break
    return s


class Preprocessor:
    """A moe-wasm schema (schema.json) applied to raw rows: standardised numeric columns with median
    imputation, one-hot categories with most-frequent imputation (unseen -> all zeros), class labels."""

    def __init__(self, schema, decimal="."):
        if not isinstance(schema, dict) or schema.get("format") != "moe-wasm/schema" or schema.get("version") != 1:
            raise ValueError("not a moe-wasm schema (format 'moe-wasm/schema', version 1)")
        self.decimal = decimal
        self.task = schema["task"]
        self.target = schema["target"]
        self.classes = {c: i for i, c in enumerate(schema.get("classes", []))}
        self.num_features = len(schema["featureNames"])
        self.numeric, self.categorical = [], []
        f = 0
        for c in schema["columns"]:
            if c["kind"] == "numeric":
                self.numeric.append((c["name"], f, float(c["mean"]), float(c["scale"]), float(c["impute"])))
                f += 1
            elif c["kind"] == "categorical":
                cats = {name: k for k, name in enumerate(c["categories"])}
                self.categorical.append((c["name"], f, cats, int(c["impute"])))
                f += len(cats)
        if f != self.num_features:
            raise ValueError("the schema's feature names do not match its columns")

    def label(self, cell, line):
        kind, v = parse_cell(cell, self.decimal)
        if kind in (_MISSING, _NONFINITE):
            return None
        if self.task == "regression":
            if kind == _TEXT:
                raise ValueError("row %d: the target %r has the text value %r but the task is regression" % (line, self.target, v))
            return f32(v)
        name = format_number(f32(v)) if kind == _NUMBER else v
        if name not in self.classes:
            raise ValueError("row %d: target value %r in column %r is not one of the %d classes the schema was fitted with"
                             % (line, name, self.target, len(self.classes)))
        return self.classes[name]

    def __call__(self, rows):
        """(x, y): x float32 (R, F); y int64 (R,) class indices or float32 (R, 1) values, or None when the
        rows have no target column. Rows whose target cell is missing are skipped, as Dataset skips them."""
        rows = rows if isinstance(rows, list) else list(rows)
        has_target = bool(rows) and self.target in rows[0]
        for name in [c[0] for c in self.numeric] + [c[0] for c in self.categorical]:
            if rows and name not in rows[0]:
                raise ValueError("column %r is required by the schema but is not in the rows" % name)
        dec, xs, ys = self.decimal, [], []
        for line, row in enumerate(rows, 1):
            if has_target:
                y = self.label(row.get(self.target), line)
                if y is None:
                    continue
                ys.append(y)
            x = [0.0] * self.num_features
            for name, f, mean, scale, impute in self.numeric:
                kind, v = parse_cell(row.get(name), dec)
                x[f] = ((f32(v) if kind == _NUMBER else impute) - mean) / scale
            for name, f, cats, impute in self.categorical:
                kind, v = parse_cell(row.get(name), dec)
                k = impute if kind in (_MISSING, _NONFINITE) else cats.get(format_number(f32(v)) if kind == _NUMBER else v)
                if k is not None:
                    x[f + k] = 1.0
            xs.append(x)
        x = torch.tensor(xs, dtype=torch.float32).reshape(len(xs), self.num_features)
        if not has_target:
            return x, None
        if self.task == "classification":
            return x, torch.tensor(ys, dtype=torch.int64)
        return x, torch.tensor(ys, dtype=torch.float32).reshape(-1, 1)


def load_schema(path=None):
    """The schema.json exported next to this file (or at path) as a dict."""
    with open(path or os.path.join(os.path.dirname(os.path.abspath(__file__)), "schema.json"), encoding="utf-8") as f:
        return json.load(f)


def preprocess(rows, schema=None, decimal="."):
    """Encodes raw CSV rows (dicts: column name -> cell text, as csv.DictReader yields) exactly as moe-wasm's
    Dataset does with the schema (default: schema.json next to this file). Returns (x, y), see Preprocessor."""
    return Preprocessor(load_schema() if schema is None else schema, decimal)(rows)


def read_csv(path, delimiter=None):
    """(rows, decimal): a streaming iterator of dict rows of a UTF-8 CSV with a header row, and the decimal
    mark moe-wasm would use (',' when the delimiter is not a comma). The delimiter (default: the most
    frequent of , ; TAB | in the header) and an Excel "sep=" first line are handled; header names are
    trimmed; blank rows and repeated header rows are skipped, as moe-wasm's reader skips them."""
    f = open(path, newline="", encoding="utf-8-sig")
    first = f.readline()
    if first.lower().startswith("sep=") and len(first.strip()) == 5:
        delimiter = delimiter or first.strip()[4]
        first = f.readline()
    if delimiter is None:
        delimiter = max([",", ";", "\t", "|"], key=first.count)
    header = [h.strip(" \t") for h in next(csv.reader([first], delimiter=delimiter))]

    def rows():
        with f:
            for row in csv.DictReader(f, fieldnames=header, delimiter=delimiter):
                cells = [(row.get(h) or "").strip(" \t") for h in header]
                if any(cells) and cells != header:  # blank rows and repeated header rows are dropped
                    yield row

    return rows(), ("," if delimiter != "," else ".")


if __name__ == "__main__":
    # python3 model.py weights.safetensors data.csv: predictions as CSV on stdout.
    model, schema = MoE.from_safetensors(sys.argv[1])
    rows, decimal = read_csv(sys.argv[2])
    x, _ = preprocess(rows, schema or load_schema(), decimal)
    model.eval()
    with torch.no_grad():
        out = model(x)
    w = csv.writer(sys.stdout)
    for r in out.tolist():
        w.writerow(["%.7g" % v for v in r])
`;
