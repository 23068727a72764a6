"""Memory layout: why walking a matrix row by row beats walking it column by column.

A 2-D tensor is one flat block of memory. In row-major (C) order, the elements of a row sit
next to each other and the next row starts ``shape[1]`` elements later: those distances are
the array's *strides*. Reading a row touches consecutive bytes (every byte the CPU fetches into
its cache is used); reading a column jumps ``stride`` bytes per element, so almost every
element costs a fresh trip to memory.

Transposing only swaps the strides (a view, free), but the first operation that needs the
elements in order, such as ``reshape(-1)``, must gather them with those long jumps.

Run from the stage folder:  python -m systems.memory_layout
"""

from __future__ import annotations

import numpy as np

import tinytorch as tt
from systems.measure import median_seconds

N = 2048  # a 2048 x 2048 float32 matrix is 16 MiB: larger than the CPU caches
REPEATS = 5


def main() -> None:
    tt.manual_seed(0)
    x, y = tt.randn(N, N), tt.randn(N, N)
    xt, yt = x.T, y.T  # views: same memory, strides swapped
    nbytes = x.numpy().nbytes

    def rows() -> None:
        for i in range(N):
            x[i].sum()

    def columns() -> None:
        for j in range(N):
            x[:, j].sum()

    # (operation, how it reads memory, function, bytes it reads; None for a view)
    cases = [
        ("sum each row: x[i].sum()", f"{x.numpy().strides[1]} B steps", rows, nbytes),
        ("sum each column: x[:, j].sum()", f"{x.numpy().strides[0]} B steps", columns, nbytes),
        ("x + y", "both in order", lambda: x + y, 2 * nbytes),
        ("x + y.T", "one operand strided", lambda: x + yt, 2 * nbytes),
        ("x.reshape(-1)", "no read: a view", lambda: x.reshape(-1), None),
        ("x.T", "no read: a view", lambda: x.T, None),
        ("x.T.reshape(-1)", "strided gather (copy)", lambda: xt.reshape(-1), nbytes),
    ]
    print(f"Memory layout of a {N}x{N} float32 tensor ({nbytes / 2**20:.0f} MiB)")
    print(f"strides in bytes: x {x.numpy().strides}, x.T {xt.numpy().strides}\n")
    print(f"{'operation':<32} {'memory access':<24} {'median ms':>10} {'GB/s read':>10}")
    results = {}
    for name, access, fn, read in cases:
        seconds = median_seconds(fn, repeats=REPEATS)
        results[name] = seconds
        rate = f"{read / seconds / 1e9:10.2f}" if read else f"{'-':>10}"
        print(f"{name:<32} {access:<24} {seconds * 1e3:>10.3f} {rate}")
    ratio = results["sum each column: x[:, j].sum()"] / results["sum each row: x[i].sum()"]
    print(f"\ncolumns / rows: {ratio:.2f}x the time for the same {N * N:,} additions")
    ratio = results["x + y.T"] / results["x + y"]
    print(f"x + y.T / x + y: {ratio:.2f}x the time for the same {N * N:,} additions")
    for name, t in (("x.reshape(-1)", x.reshape(-1)), ("x.T.reshape(-1)", xt.reshape(-1))):
        print(f"{name} shares memory with x: {np.shares_memory(t.numpy(), x.numpy())}")


if __name__ == "__main__":
    main()
