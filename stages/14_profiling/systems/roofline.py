"""Systems: where does a model's time go, and how close does each operation get to the machine?

Run from the stage folder:  python -m systems.roofline

1. **The machine's ceilings**, measured: the matmul peak (the best GFLOP/s of NumPy's float32
   matrix multiply over a few square sizes, from the fastest of its runs: a ceiling is what
   the machine *can* do) and the memory bandwidth (GB/s of copying a 64 MiB array: every
   byte read once and written once: main memory's bandwidth, since 64 MiB fits in no cache).
   A row above 100 % of its bound has operands small enough to stay in the CPU's caches,
   which are faster than main memory; on a shared machine it can also mean the peak
   measurement was disturbed (run the script again).
2. **A roofline** for tinytorch's matmul and Conv2d: each operation's FLOPs (counted by your
   ``count_flops``), its arithmetic intensity (FLOPs per byte of inputs and output), its
   measured GFLOP/s (``measure_latency``: warm-up, then the median) and the roofline's bound
   ``min(peak, intensity * bandwidth)``. An operation far below its bound is losing time to
   overhead (Python, copies such as im2col), not to the hardware's limits.
3. **A per-layer profile** (``profile``) of a small CNN, and the **operation table**
   (``Profiler.key_averages``) of one of its training steps: the table's total is the time
   spent inside operations, the rest of the step is Python between them.
"""

from __future__ import annotations

import time

import numpy as np

import tinytorch as tt
from tinytorch import nn
from tinytorch.profiling import Profiler, count_flops, measure_latency, profile

PEAK_SIZES = [256, 512, 1024]
MATMULS = [(64, 784, 128), (256, 256, 256), (1024, 1024, 1024), (8, 64, 8)]
CONVS = [(32, 3, 32, 32, 32, 3), (16, 32, 16, 16, 64, 3), (32, 64, 8, 8, 64, 1)]


def machine_peak() -> tuple[float, float]:
    """(best float32 matmul GFLOP/s, copy bandwidth GB/s), both measured now."""
    rng = np.random.default_rng(0)
    best = 0.0
    for n in PEAK_SIZES:
        a, b = rng.standard_normal((n, n), np.float32), rng.standard_normal((n, n), np.float32)
        fastest = min(measure_latency(lambda a=a, b=b: a @ b, warmup=1, repeats=5).samples)
        best = max(best, 2 * n**3 / fastest / 1e9)
    source = np.ones(2**24, np.float32)  # 64 MiB
    target = np.empty_like(source)
    fastest = min(measure_latency(lambda: np.copyto(target, source), warmup=1, repeats=5).samples)
    return best, 2 * source.nbytes / fastest / 1e9


def roofline_row(label: str, fn, flops: int, nbytes: int, peak: float, bandwidth: float) -> None:
    seconds = measure_latency(fn, warmup=2, repeats=7).median
    achieved = flops / seconds / 1e9
    intensity = flops / nbytes
    bound = min(peak, intensity * bandwidth)
    print(
        f"{label:<34}{flops / 1e6:>10.1f}{intensity:>11.1f}{seconds * 1e3:>10.3f}"
        f"{achieved:>9.2f}{bound:>9.1f}{100 * achieved / bound:>8.1f}%"
    )


def main() -> None:
    tt.manual_seed(0)
    peak, bandwidth = machine_peak()
    print(f"this machine: float32 matmul peak {peak:.1f} GFLOP/s (best of {PEAK_SIZES} square),")
    ridge = peak / bandwidth
    print(f"              copy bandwidth {bandwidth:.1f} GB/s; ridge point {ridge:.1f} FLOP/byte")
    print()
    header = (
        f"{'operation':<34}{'MFLOPs':>10}{'FLOP/byte':>11}{'ms':>10}{'GFLOP/s':>9}"
        f"{'bound':>9}{'of bound':>9}"
    )
    print(header)
    print("-" * len(header))
    with tt.no_grad():
        for m, k, n in MATMULS:
            a, b = tt.randn(m, k), tt.randn(k, n)
            layer = nn.Linear(k, n, bias=False)
            flops = count_flops(layer, a)
            nbytes = (m * k + k * n + m * n) * 4
            roofline_row(
                f"matmul ({m}x{k}) @ ({k}x{n})",
                lambda a=a, b=b: a @ b,
                flops,
                nbytes,
                peak,
                bandwidth,
            )
        for batch, c_in, h, w, c_out, k in CONVS:
            conv = nn.Conv2d(c_in, c_out, k, padding=k // 2)
            x = tt.randn(batch, c_in, h, w)
            flops = count_flops(conv, x)
            nbytes = (x.numel() + conv.weight.numel() + batch * c_out * h * w) * 4
            label = f"conv {c_in}->{c_out} {k}x{k} on {batch}x{h}x{w}"
            roofline_row(label, lambda conv=conv, x=x: conv(x), flops, nbytes, peak, bandwidth)

    model = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 7 * 7, 64), nn.ReLU(), nn.Linear(64, 10),
    )  # fmt: skip
    x = tt.randn(64, 1, 28, 28)
    print()
    print("profile(model, x): a small CNN on a batch of 64 28x28 images, forward")
    print(profile(model, x, warmup=2, repeats=10))

    labels = tt.randint(0, 10, (64,))
    start = time.perf_counter()
    with Profiler() as prof:
        loss = nn.functional.cross_entropy(model(x), labels)
        loss.backward()
    step = time.perf_counter() - start
    table = prof.key_averages()
    print()
    print("Profiler: one training step of the same CNN, operations sorted by total time")
    print(table.table(row_limit=10))
    inside, block = table.total_time, prof.wall_time
    print(
        f"time inside operations {inside * 1e3:.2f} ms of a {block * 1e3:.2f} ms block "
        f"({100 * inside / block:.0f} %); the step took {step * 1e3:.2f} ms around the profiler"
    )


if __name__ == "__main__":
    main()
