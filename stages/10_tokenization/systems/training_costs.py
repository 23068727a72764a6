"""What training bookkeeping costs: gradient accumulation, and checkpoint size and speed.

Run from the stage folder:  python -m systems.training_costs

1. **Gradient accumulation.** One optimizer step on an effective batch of 512 samples of an MLP
   (256-512-512-10), computed as 1 x 512, 4 x 128, 16 x 32 or 64 x 8 micro-batches. For each
   split the script measures the peak memory NumPy allocates during the step (``tracemalloc``)
   and the wall time of the step (warm-up, then the median of repeats). The gradients are the
   same in every row (the tests prove it); what changes is memory against time.
2. **Checkpoints.** The same model with SGD and with Adam, after one step: the size of the file
   ``Trainer.save_checkpoint`` writes, its ratio to the parameters' own bytes, and the median
   time to save and to load it.
"""

from __future__ import annotations

import os
import tempfile

import numpy as np

import tinytorch as tt
from systems.measure import median_seconds, peak_bytes
from tinytorch import nn, optim
from tinytorch.training import Trainer

BATCH, FEATURES, CLASSES = 512, 256, 10
SPLITS = (1, 4, 16, 64)
WARMUP, REPEATS = 1, 5


def make_model() -> nn.Module:
    return nn.Sequential(
        nn.Linear(FEATURES, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, CLASSES)
    )


def make_batch(seed: int = 0) -> tuple[tt.Tensor, tt.Tensor]:
    rng = np.random.default_rng(seed)
    x = tt.tensor(rng.standard_normal((BATCH, FEATURES)).astype(np.float32))
    y = tt.tensor(rng.integers(0, CLASSES, BATCH))
    return x, y


def accumulation_table() -> list[dict]:
    x, y = make_batch()
    print(f"one optimizer step on {BATCH} samples, split into micro-batches")
    print(f"{'micro-batches':>13} {'size':>6} {'peak MB':>9} {'step ms':>9}")
    rows = []
    for k in SPLITS:
        size = BATCH // k
        data = [(x[i : i + size], y[i : i + size]) for i in range(0, BATCH, size)]
        tt.manual_seed(0)
        model = make_model()
        trainer = Trainer(
            model,
            optim.SGD(model.parameters(), lr=0.01, momentum=0.9),
            nn.CrossEntropyLoss(),
            accumulation_steps=k,
            log_every=None,
        )
        seconds = median_seconds(
            lambda data=data, trainer=trainer: trainer.train_epoch(data), REPEATS, WARMUP
        )
        peak = peak_bytes(lambda data=data, trainer=trainer: trainer.train_epoch(data))
        row = {"micro_batches": k, "size": size, "peak_mb": peak / 2**20, "step_ms": seconds * 1e3}
        rows.append(row)
        print(f"{k:>13} {size:>6} {row['peak_mb']:>9.2f} {row['step_ms']:>9.1f}")
    return rows


def checkpoint_table() -> list[dict]:
    x, y = make_batch()
    print("\ncheckpoint of the same model after one step")
    print(f"{'optimizer':>9} {'file MB':>9} {'x params':>9} {'save ms':>9} {'load ms':>9}")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name, make in (("SGD", optim.SGD), ("Adam", optim.Adam)):
            tt.manual_seed(0)
            model = make_model()
            trainer = Trainer(
                model, make(model.parameters()), nn.CrossEntropyLoss(), log_every=None
            )
            trainer.train_epoch([(x, y)])
            path = os.path.join(folder, f"{name}.ckpt")
            save = median_seconds(lambda t=trainer, p=path: t.save_checkpoint(p), REPEATS, WARMUP)
            load = median_seconds(lambda t=trainer, p=path: t.load_checkpoint(p), REPEATS, WARMUP)
            size = os.path.getsize(path)
            parameter_bytes = sum(p.data.nbytes for p in model.parameters())
            row = {
                "optimizer": name,
                "file_mb": size / 2**20,
                "multiple": size / parameter_bytes,
                "save_ms": save * 1e3,
                "load_ms": load * 1e3,
            }
            rows.append(row)
            print(
                f"{name:>9} {row['file_mb']:>9.2f} {row['multiple']:>9.2f} "
                f"{row['save_ms']:>9.1f} {row['load_ms']:>9.1f}"
            )
    return rows


def main() -> dict:
    """Measure both tables; return their rows."""
    return {"accumulation": accumulation_table(), "checkpoints": checkpoint_table()}


if __name__ == "__main__":
    main()
