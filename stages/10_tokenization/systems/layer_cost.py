"""Systems: what a Linear layer costs, in memory and in time, measured.

A ``Linear(in, out)`` layer stores ``in*out + out`` parameters and spends about
``2 * batch * in * out`` floating-point operations (one multiply and one add per weight per
sample) in each forward pass. This script measures both for a few layer shapes: the bytes its
parameters occupy (``nbytes``), and the median forward time (after a warm-up), next to a bare
NumPy ``x @ W.T + b`` as the floor a framework cannot beat. Then it fixes the layer and grows
the batch: the parameters stay the same while time follows the FLOPs.

Run from a stage folder: ``python -m systems.layer_cost``
"""

from __future__ import annotations

import tinytorch as tt
from systems.measure import median_seconds
from tinytorch import nn

SHAPES = [(64, 64), (784, 128), (256, 256), (1024, 1024), (2048, 1024)]
BATCH = 64
BATCHES = [1, 8, 64, 256]
WARMUP, REPEATS = 3, 15


def measure(layer: nn.Linear, batch: int) -> tuple[float, float, float]:
    """(tinytorch seconds, NumPy seconds, FLOPs) of one forward pass."""
    x = tt.randn(batch, layer.in_features)
    w, b, xs = layer.weight.numpy(), layer.bias.numpy(), x.numpy()
    framework = median_seconds(lambda: layer(x), REPEATS, WARMUP)
    floor = median_seconds(lambda: xs @ w.T + b, REPEATS, WARMUP)
    return framework, floor, 2.0 * batch * layer.in_features * layer.out_features


def main() -> None:
    tt.manual_seed(0)
    print(f"Linear layers, float32, batch {BATCH}: memory and median forward time")
    header = f"{'layer':>18} {'params':>10} {'KiB':>9} {'MFLOP':>8} {'ms':>8} {'GFLOP/s':>8} {'numpy ms':>9}"
    print(header)
    print("-" * len(header))
    for fan_in, fan_out in SHAPES:
        layer = nn.Linear(fan_in, fan_out)
        params = sum(p.numel() for p in layer.parameters())
        kib = sum(p.numpy().nbytes for p in layer.parameters()) / 1024
        seconds, floor, flops = measure(layer, BATCH)
        print(
            f"{f'Linear({fan_in}, {fan_out})':>18} {params:>10,} {kib:>9.1f} {flops / 1e6:>8.1f} "
            f"{seconds * 1e3:>8.3f} {flops / seconds / 1e9:>8.2f} {floor * 1e3:>9.3f}"
        )

    layer = nn.Linear(1024, 1024)
    params = sum(p.numel() for p in layer.parameters())
    print(f"\nLinear(1024, 1024), {params:,} parameters, growing the batch")
    header = f"{'batch':>6} {'MFLOP':>9} {'ms':>8} {'GFLOP/s':>8} {'output KiB':>11}"
    print(header)
    print("-" * len(header))
    for batch in BATCHES:
        seconds, _, flops = measure(layer, batch)
        out_kib = layer(tt.randn(batch, 1024)).numpy().nbytes / 1024
        print(
            f"{batch:>6} {flops / 1e6:>9.1f} {seconds * 1e3:>8.3f} "
            f"{flops / seconds / 1e9:>8.2f} {out_kib:>11.1f}"
        )


if __name__ == "__main__":
    main()
