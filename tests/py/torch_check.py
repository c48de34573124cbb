"""Runs exported PyTorch models for tests/js/pytorch.test.ts (Debian's python3-torch, /usr/bin/python3).

    python3 torch_check.py jobs.json results.json

jobs.json is a list of jobs, each with "dir" (a toPyTorch() export) and optional "weights" (a
.safetensors, default dir/weights.safetensors):
  {"op": "predict", "csv": path} -> {"x", "y", "out"}: preprocess(rows) of the CSV and the eval-mode output
  {"op": "predict", "x": [...]}  -> {"out"}: the eval-mode output on already encoded features
  {"op": "step", "x", "y", "eps"?} -> {"loss", "data", "aux", "grads": {name: [...]}}: one training-mode
      forward + backward on one batch (eps (B, E): the gate-noise draw of noisy top-k)
Numbers go out as flat row-major lists.
"""
import importlib.util
import json
import os
import sys

import torch

torch.set_num_threads(1)


def load_module(directory, n):
    spec = importlib.util.spec_from_file_location("exported_model_%d" % n, os.path.join(directory, "model.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def flat(t):
    return t.detach().reshape(-1).tolist()


def run(job, n):
    mod = load_module(job["dir"], n)
    model, schema = mod.MoE.from_safetensors(job.get("weights") or os.path.join(job["dir"], "weights.safetensors"))
    if job["op"] == "predict":
        result = {}
        if "csv" in job:
            rows, decimal = mod.read_csv(job["csv"])
            x, y = mod.preprocess(rows, schema, decimal)
            result["x"], result["y"] = flat(x), None if y is None else flat(y)
        else:
            x = torch.tensor(job["x"], dtype=torch.float32).reshape(-1, model.D)
        model.eval()
        with torch.no_grad():
            result["out"] = flat(model(x))
        return result
    if job["op"] == "step":
        x = torch.tensor(job["x"], dtype=torch.float32).reshape(-1, model.D)
        y = torch.tensor(job["y"], dtype=torch.int64 if model.task == "classification" else torch.float32)
        eps = torch.tensor(job["eps"], dtype=torch.float32).reshape(-1, model.E) if job.get("eps") else None
        model.train()
        model.zero_grad()
        loss, data, aux = model(x, y, eps)
        loss.backward()
        grads = {name: flat(p.grad if p.grad is not None else torch.zeros_like(p)) for name, p in model.named_parameters()}
        return {"loss": loss.item(), "data": data.item(), "aux": aux.item(), "grads": grads}
    raise ValueError("unknown op %r" % job["op"])


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        jobs = json.load(f)
    results = [run(job, n) for n, job in enumerate(jobs)]
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main()
