"""Benchmark peer: the same MoE in PyTorch (Debian's python3-torch), CPU, given thread count.
Prints one JSON line: samples/s per epoch, test accuracy, peak RSS. Run with /usr/bin/python3."""
import argparse, json, resource, time
import numpy as np
import torch
from torch import nn

WORKLOADS = {
    "w1": dict(experts=5, expert_hidden=[64, 32], gate_hidden=[32], batch=32),
    "w2": dict(experts=16, expert_hidden=[256, 256], gate_hidden=[64], batch=256),
}

def mlp(d_in, hidden, d_out):
    layers, d = [], d_in
    for h in hidden:
        layers += [nn.Linear(d, h), nn.ReLU()]
        d = h
    layers.append(nn.Linear(d, d_out))
    return nn.Sequential(*layers)

class MoE(nn.Module):
    def __init__(self, D, C, w):
        super().__init__()
        self.experts = nn.ModuleList([mlp(D, w["expert_hidden"], C) for _ in range(w["experts"])])
        self.gate = mlp(D, w["gate_hidden"], w["experts"])

    def forward(self, x):
        # log p(y|x) = logsumexp_e(log g_e + log p_e): the mixture likelihood in log space
        log_g = torch.log_softmax(self.gate(x), dim=-1)                                        # (B, E)
        log_p = torch.stack([torch.log_softmax(e(x), dim=-1) for e in self.experts], dim=1)     # (B, E, C)
        return torch.logsumexp(log_g.unsqueeze(-1) + log_p, dim=1)                              # (B, C)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--workload", default="w1")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rows", type=int, default=0, help="cap on training rows (0 = all)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    meta = json.load(open(f"{a.data}/letter.json"))
    D, C, n = meta["D"], meta["C"], meta["nTrain"]
    x = torch.from_numpy(np.fromfile(f"{a.data}/letter-xtrain.f32", dtype="<f4").reshape(n, D))
    y = torch.from_numpy(np.fromfile(f"{a.data}/letter-ytrain.i32", dtype="<i4").astype(np.int64))
    if 0 < a.rows < n:
        n = a.rows
        x, y = x[:n].contiguous(), y[:n].contiguous()
    xt = torch.from_numpy(np.fromfile(f"{a.data}/letter-xtest.f32", dtype="<f4").reshape(-1, D))
    yt = torch.from_numpy(np.fromfile(f"{a.data}/letter-ytest.i32", dtype="<i4").astype(np.int64))
    w = WORKLOADS[a.workload]
    torch.manual_seed(0)
    model = MoE(D, C, w)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    nll = nn.NLLLoss()
    sps = []
    for _ in range(a.epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        for i in range(0, n, w["batch"]):
            idx = perm[i:i + w["batch"]]
            opt.zero_grad(set_to_none=True)
            loss = nll(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        sps.append(n / (time.perf_counter() - t0))
    with torch.no_grad():
        acc = (model(xt).argmax(1) == yt).float().mean().item()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(dict(peer=f"pytorch-{a.threads}t", workload=a.workload, epochs=a.epochs, rows=n,
                          samplesPerSecond=sps, accuracy=acc, peakRssMB=rss)))

if __name__ == "__main__":
    main()
