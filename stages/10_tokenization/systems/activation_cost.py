"""What an activation costs, and what a numerically stable softmax costs on top.

Part 1 times each activation per element: ReLU is one comparison, sigmoid and tanh need an
exponential, exact GELU an error function (a polynomial times an exponential here).

Part 2 compares the textbook softmax, exp(x) / sum(exp(x)), with the stable one that subtracts
the row maximum first. The textbook version is a little cheaper, and wrong: float32 ``exp``
overflows to inf above x = 88.7, and inf / inf is nan. The table counts the rows it ruins as
the logits grow.

Run from the stage folder:  python -m systems.activation_cost
"""

from __future__ import annotations

import numpy as np

import tinytorch as tt
import tinytorch.nn.functional as F
from systems.measure import median_seconds

ROWS, COLS = 256, 1024  # a batch of 256 rows of 1024 logits: 262 144 float32 elements
REPEATS = 7


def naive_softmax(x: tt.Tensor) -> tt.Tensor:
    """The textbook formula, built from tinytorch operations: overflows for large logits."""
    e = x.exp()
    return e / e.sum(dim=1, keepdim=True)


def main() -> None:
    tt.manual_seed(0)
    x = tt.randn(ROWS, COLS)
    n = x.numel()

    print(f"Part 1: cost per element on a {ROWS}x{COLS} float32 tensor (median of {REPEATS})")
    print(f"{'activation':<22} {'ns / element':>13} {'vs relu':>8}")
    activations = [
        ("relu", F.relu),
        ("leaky_relu", F.leaky_relu),
        ("sigmoid", F.sigmoid),
        ("tanh", F.tanh),
        ("gelu (tanh form)", lambda t: F.gelu(t, approximate="tanh")),
        ("gelu (erf, exact)", F.gelu),
        ("softmax (dim=1)", lambda t: F.softmax(t, dim=1)),
        ("log_softmax (dim=1)", lambda t: F.log_softmax(t, dim=1)),
    ]
    relu_time = None
    for name, fn in activations:
        seconds = median_seconds(lambda fn=fn: fn(x), repeats=REPEATS)
        relu_time = relu_time or seconds
        print(f"{name:<22} {seconds / n * 1e9:>13.2f} {seconds / relu_time:>7.1f}x")

    print("\nPart 2: textbook exp(x)/sum(exp(x)) against the max-shifted softmax")
    naive_time = median_seconds(lambda: naive_softmax(x), repeats=REPEATS)
    stable_time = median_seconds(lambda: F.softmax(x, dim=1), repeats=REPEATS)
    print(
        f"time per call: textbook {naive_time * 1e3:.3f} ms, stable {stable_time * 1e3:.3f} ms "
        f"(stable / textbook = {stable_time / naive_time:.2f}x)\n"
    )
    print(
        f"{'logit scale':>11} {'largest |logit|':>16} {'textbook: bad rows':>19} "
        f"{'stable: bad rows':>17} {'stable rows sum to 1':>21}"
    )
    for scale in (1.0, 10.0, 30.0, 100.0, 1000.0, 10000.0):
        logits = x * scale
        with np.errstate(over="ignore", invalid="ignore"):  # let the textbook version fail
            naive = naive_softmax(logits).numpy()
        stable = F.softmax(logits, dim=1).numpy()
        naive_bad = int(np.sum(~np.all(np.isfinite(naive), axis=1)))
        stable_bad = int(np.sum(~np.all(np.isfinite(stable), axis=1)))
        sums_ok = bool(np.allclose(stable.sum(axis=1), 1.0, atol=1e-5))
        largest = float(np.abs(logits.numpy()).max())
        print(
            f"{scale:>11g} {largest:>16.1f} {naive_bad:>13d}/{ROWS:<5d} "
            f"{stable_bad:>11d}/{ROWS:<5d} {sums_ok!s:>21}"
        )


if __name__ == "__main__":
    main()
