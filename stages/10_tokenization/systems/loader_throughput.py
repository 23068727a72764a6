"""Systems: where the time of a data pipeline goes, measured.

A DataLoader fetches samples one at a time (``dataset[i]``) and then stacks them. Every
sample costs some Python work however small it is, so for small images the per-sample
overhead, not the bytes, sets the speed. This script measures it on the shipped digits:

1. samples per second of one shuffled epoch, per batch size, for three ways to get the same
   batches: a ``Digits`` dataset (converts each image when asked), a ``TensorDataset`` of
   pre-converted tensors (only indexes), and the floor: indexing one NumPy array with a whole
   batch of indices at once (what a batched fetch could do);
2. the cost of a per-sample transform (``Normalize`` inside the dataset) against the same
   transform applied once to each collated batch;
3. loading time against the time of an MLP training step on the same batches.

Run it from the stage folder: ``python -m systems.loader_throughput``. Each number is the
median of several timed repeats after a warm-up run.
"""

from __future__ import annotations

import numpy as np

import tinytorch as tt
from systems.measure import median_seconds
from tinytorch import nn, optim
from tinytorch.data import DataLoader, TensorDataset, transforms
from tinytorch.datasets import Digits

BATCH_SIZES = (1, 8, 32, 128, 512)


def drain(loader) -> None:
    """Consume one epoch of ``loader``."""
    for _ in loader:
        pass


def numpy_floor_epoch(images: np.ndarray, labels: np.ndarray, batch_size: int, rng) -> None:
    """One shuffled epoch by fancy-indexing pre-stacked arrays: no per-sample Python at all."""
    order = rng.permutation(len(labels))
    for start in range(0, len(order), batch_size):
        index = order[start : start + batch_size]
        images[index], labels[index]


def throughput_table(digits: Digits) -> None:
    n = len(digits)
    images = digits.data.numpy()[:, None].astype(np.float32) / 16.0
    labels = digits.targets.numpy()
    in_memory = TensorDataset(tt.tensor(images), tt.tensor(labels))
    rng = np.random.default_rng(0)
    print(f"1. samples/s over one shuffled epoch of {n} digits (higher is better)")
    print(
        f"{'batch':>6} {'Digits':>12} {'TensorDataset':>14} {'NumPy floor':>12} {'floor/Digits':>13}"
    )
    for b in BATCH_SIZES:
        t_digits = median_seconds(lambda b=b: drain(DataLoader(digits, b, shuffle=True, seed=0)))
        t_memory = median_seconds(lambda b=b: drain(DataLoader(in_memory, b, shuffle=True, seed=0)))
        t_floor = median_seconds(lambda b=b: numpy_floor_epoch(images, labels, b, rng))
        print(
            f"{b:>6} {n / t_digits:>12,.0f} {n / t_memory:>14,.0f} {n / t_floor:>12,.0f} "
            f"{t_digits / t_floor:>8.1f}x"
        )


def transform_table() -> None:
    normalize = transforms.Normalize([0.3], [0.4])
    per_sample = Digits(transform=normalize)
    plain = Digits()
    print("\n2. Normalize per sample (in the dataset) vs once per collated batch, ms per epoch")
    print(f"{'batch':>6} {'per sample':>11} {'per batch':>10} {'ratio':>7}")
    for b in (8, 32, 128):
        t_sample = median_seconds(lambda b=b: drain(DataLoader(per_sample, b)))
        t_batch = median_seconds(
            lambda b=b: [normalize(x) for x, _ in DataLoader(plain, b)]  # same work, batched
        )
        print(f"{b:>6} {t_sample * 1e3:>11.1f} {t_batch * 1e3:>10.1f} {t_sample / t_batch:>6.2f}x")


def step_table(digits: Digits) -> None:
    tt.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    loss_fn = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    print("\n3. one epoch: loading only vs loading + MLP 64-128-10 training steps, ms")
    print(f"{'batch':>6} {'load':>8} {'load+train':>11} {'load share':>11}")

    def train_epoch(loader) -> None:
        for x, y in loader:
            optimizer.zero_grad()
            loss_fn(model(x), y).backward()
            optimizer.step()

    for b in (8, 32, 128):
        t_load = median_seconds(lambda b=b: drain(DataLoader(digits, b, shuffle=True, seed=0)))
        t_all = median_seconds(lambda b=b: train_epoch(DataLoader(digits, b, shuffle=True, seed=0)))
        print(f"{b:>6} {t_load * 1e3:>8.1f} {t_all * 1e3:>11.1f} {t_load / t_all:>10.0%}")


def main() -> None:
    digits = Digits()
    throughput_table(digits)
    transform_table()
    step_table(digits)


if __name__ == "__main__":
    main()
