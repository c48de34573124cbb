// train_ddp.py of toPyTorch(): continues training with DistributedDataParallel on a streamed, per-rank
// sharded CSV (torchrun), writing a .safetensors that loadModel reads back. Python source, torch-only.
export const TRAIN_DDP_PY = String.raw`"""Continues training an exported moe-wasm model with DistributedDataParallel, on a CSV of any size.

    torchrun --nproc_per_node=2 train_ddp.py --data big.csv --epochs 1 --out trained.safetensors

The CSV is streamed, never loaded whole: data row i goes to rank i % world_size, each rank encodes its
rows in batches with model.py's preprocess (the exported schema) and DDP averages the gradients; ranks
with fewer rows join early (DDP's join), so uneven shards cannot hang. Backend gloo on CPU (--backend
nccl --device cuda for GPUs). The optimizer is the model's own (Adam, AdamW or SGD with its settings).
Rank 0 writes a .safetensors whose metadata carries the config and the schema: moe-wasm's loadModel()
(and "moe-wasm predict trained.safetensors data.csv") reads it back.
"""
import argparse
import os
import sys
import time

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model as moe  # noqa: E402  (the exported model.py next to this script)

HERE = os.path.dirname(os.path.abspath(__file__))


def shard_batches(path, rank, world, batch_size, schema):
    """Yields (x, y) batches of this rank's rows (row i -> rank i % world), streamed from the CSV."""
    rows, decimal = moe.read_csv(path)
    encode = moe.Preprocessor(schema, decimal)
    batch = []
    for i, row in enumerate(rows):
        if i % world != rank:
            continue
        batch.append(row)
        if len(batch) == batch_size:
            yield encode(batch)
            batch = []
    if batch:
        yield encode(batch)


def optimizer_for(params, options, lr):
    """The model's optimizer in torch form (same update rules as moe-wasm's Keras-style ones)."""
    o = options
    kind = o.get("type", "adam")
    lr = lr if lr is not None else o.get("learningRate", 0.01 if kind == "sgd" else 1e-3)
    betas = (o.get("beta1", 0.9), o.get("beta2", 0.999))
    if kind == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=o.get("momentum", 0.0))
    if kind == "adamw":
        return torch.optim.AdamW(params, lr=lr, betas=betas, eps=o.get("epsilon", 1e-7), weight_decay=o.get("weightDecay", 0.004))
    return torch.optim.Adam(params, lr=lr, betas=betas, eps=o.get("epsilon", 1e-7))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True, help="training CSV (with the target column)")
    ap.add_argument("--weights", default=os.path.join(HERE, "weights.safetensors"), help="starting weights")
    ap.add_argument("--out", default="trained.safetensors", help="where rank 0 writes the trained model")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=32, help="rows per rank per step")
    ap.add_argument("--lr", type=float, default=None, help="learning rate (default: the model's)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the gate noise (offset by rank)")
    ap.add_argument("--backend", default="gloo")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=1, help="torch threads per rank")
    a = ap.parse_args()

    dist.init_process_group(backend=a.backend)
    rank, world = dist.get_rank(), dist.get_world_size()
    torch.manual_seed(a.seed + rank)
    torch.set_num_threads(a.threads)
    device = torch.device(a.device if a.device == "cpu" else "%s:%d" % (a.device, int(os.environ.get("LOCAL_RANK", 0))))

    model, schema = moe.MoE.from_safetensors(a.weights)
    if schema is None:
        schema = moe.load_schema()
    model.to(device)
    # Top-k routing leaves experts without rows in some batches: DDP must look for unused parameters.
    ddp = DistributedDataParallel(model, find_unused_parameters=model.topk)
    options = model.config.get("optimizer", "adam")
    options = options if isinstance(options, dict) else {"type": options}
    opt = optimizer_for(ddp.parameters(), options, a.lr)
    clip = float(options.get("clipNorm", 0))

    for epoch in range(a.epochs):
        ddp.train()
        t0 = time.time()
        sums = torch.zeros(3, dtype=torch.float64)  # loss * rows, rows, steps
        with ddp.join():
            for x, y in shard_batches(a.data, rank, world, a.batch_size, schema):
                if x.shape[0] == 0:
                    continue
                x, y = x.to(device), y.to(device)
                opt.zero_grad()
                loss, _, _ = ddp(x, y)
                loss.backward()
                if clip > 0:
                    torch.nn.utils.clip_grad_norm_(ddp.parameters(), clip)
                opt.step()
                sums += torch.tensor([loss.item() * x.shape[0], x.shape[0], 1], dtype=torch.float64)
        dist.all_reduce(sums)
        if rank == 0:
            print("epoch %d/%d: loss %.6f over %d rows, %d steps on %d ranks, %.1f s"
                  % (epoch + 1, a.epochs, sums[0] / max(sums[1], 1), sums[1], sums[2], world, time.time() - t0), flush=True)

    if rank == 0:
        model.cpu().save_safetensors(a.out, schema)
        print("wrote %s" % a.out, flush=True)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
`;
