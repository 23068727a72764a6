"""Systems: three ways to scatter-add an embedding's gradient, measured on this machine.

The backward pass of an embedding adds the gradient of output position n to row ids[n] of the
table's gradient, and an id that appears k times must collect k gradients. Three vectorized
ways to do that in NumPy, all giving the same (num_embeddings, D) array:

- **np.add.at(out, ids, grad)**: the unbuffered ufunc method written for exactly this; it
  handles repeated indices correctly, one row per id.
- **np.bincount**: flatten to one bin per (row, column) entry, ``ids * D + column``, and let
  bincount sum the weights into each bin. Always computes in float64 and returns float64, so
  the result must be cast back (and needs num_embeddings * D bins).
- **sort + np.add.reduceat** (your ``scatter_add_rows``): sort the ids so equal ids sit
  together, then sum each run of equal ids with one ``reduceat``; only the rows that appear
  are written.

A one-hot matrix multiply, ``one_hot(ids).T @ grad``, is shown for small vocabularies: it is
the textbook formula and costs N * num_embeddings * D multiply-adds, mostly with zeros.

Which wins depends on the sizes (how many ids, how many repeats, how wide) and on the NumPy
version, so the script measures instead of guessing, and prints the winner of each case.
BLAS runs on one thread (``OPENBLAS_NUM_THREADS=1`` unless you set it), so that on a busy
machine the matmul does not wait for cores that are doing something else.

Run from a stage folder: ``python -m systems.embedding_scatter``
"""

from __future__ import annotations

import functools
import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # before NumPy loads its BLAS

import numpy as np  # noqa: E402

from systems.measure import median_seconds, peak_bytes  # noqa: E402
from tinytorch.ops.embedding import scatter_add_rows  # noqa: E402

#: (label, num_embeddings, number of ids, embedding_dim)
CASES = [
    ("char GPT batch", 65, 16 * 64, 128),
    ("word-level batch", 10_000, 32 * 128, 64),
    ("GPT-2 vocabulary", 50_257, 8 * 128, 128),
    ("tiny table, many ids", 10, 100_000, 16),
]


def add_at(ids: np.ndarray, grad: np.ndarray, rows: int) -> np.ndarray:
    out = np.zeros((rows, grad.shape[1]), dtype=grad.dtype)
    np.add.at(out, ids, grad)
    return out


def bincount(ids: np.ndarray, grad: np.ndarray, rows: int) -> np.ndarray:
    dim = grad.shape[1]
    bins = (ids[:, None] * dim + np.arange(dim)).ravel()
    sums = np.bincount(bins, weights=grad.ravel(), minlength=rows * dim)
    return sums.reshape(rows, dim).astype(grad.dtype)


def one_hot_matmul(ids: np.ndarray, grad: np.ndarray, rows: int) -> np.ndarray:
    one_hot = (ids[:, None] == np.arange(rows)).astype(grad.dtype)
    return one_hot.T @ grad


def main() -> None:
    rng = np.random.default_rng(0)
    methods = {
        "np.add.at": add_at,
        "bincount": bincount,
        "sort+reduceat (yours)": scatter_add_rows,
        "one-hot matmul": one_hot_matmul,
    }
    print("scatter-add of an embedding gradient, float32; median of 7 runs after a warm-up")
    header = f"{'case':>22} {'method':>22} {'median ms':>10} {'peak MiB':>9}"
    for label, rows, count, dim in CASES:
        ids = rng.integers(0, rows, count)
        grad = rng.standard_normal((count, dim)).astype(np.float32)
        print()
        print(
            f"{label}: {count} ids into {rows} rows of {dim} "
            f"({len(np.unique(ids))} distinct ids, gradient {grad.nbytes / 2**20:.2f} MiB)"
        )
        print(header)
        print("-" * len(header))
        reference = add_at(ids, grad, rows)
        times = {}
        for name, fn in methods.items():
            if name == "one-hot matmul" and rows * count > 20_000_000:
                print(f"{'':>22} {name:>22} {'skipped: the one-hot matrix is too large':>20}")
                continue
            result = fn(ids, grad, rows)
            error = np.abs(result - reference).max()
            if error > 1e-3:
                raise AssertionError(f"{name} disagrees with np.add.at by {error:.3g}")
            call = functools.partial(fn, ids, grad, rows)
            times[name] = median_seconds(call, repeats=7)
            peak = peak_bytes(call) / 2**20
            print(f"{'':>22} {name:>22} {times[name] * 1e3:>10.3f} {peak:>9.2f}")
        winner = min(times, key=times.get)
        runner_up = sorted(times.values())[1]
        print(f"{'':>22} winner: {winner}, {runner_up / times[winner]:.1f}x faster than the next")


if __name__ == "__main__":
    main()
