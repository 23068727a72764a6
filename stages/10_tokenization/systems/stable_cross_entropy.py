"""Systems: cross-entropy computed naively (softmax, then log) against log_softmax.

The naive recipe exponentiates raw logits. In float32, ``exp`` overflows to inf above about
88.7, and then softmax is inf/inf = nan; for a very negative logit the probability rounds to 0
and its log is -inf. ``F.cross_entropy`` uses log_softmax, ``x - max - log(sum(exp(x - max)))``,
where every exponent is at most 0. This script scales the same random logits up and prints
what each recipe returns next to a float64 reference, then times both on a large batch.

Run from a stage folder: ``python -m systems.stable_cross_entropy``
"""

from __future__ import annotations

import numpy as np

import tinytorch as tt
from systems.measure import median_seconds
from tinytorch.nn import functional as F

SCALES = [1.0, 10.0, 50.0, 100.0, 1_000.0, 10_000.0]
WARMUP, REPEATS = 2, 11


def naive_cross_entropy(logits: tt.Tensor, targets: tt.Tensor) -> tt.Tensor:
    """-log(softmax(x)[target]) the textbook way: exp, normalise, log, pick."""
    e = logits.exp()
    probabilities = e / e.sum(dim=1, keepdim=True)
    rows = np.arange(logits.shape[0])
    return -probabilities.log()[rows, targets.numpy()].mean()


def reference(logits: np.ndarray, targets: np.ndarray) -> float:
    """The same loss in float64, with the max subtracted first."""
    x = logits.astype(np.float64)
    shifted = x - x.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-logp[np.arange(len(targets)), targets].mean())


def main() -> None:
    tt.manual_seed(0)
    base = tt.randn(8, 10)
    targets = tt.randint(0, 10, (8,))
    print("Cross-entropy of the same float32 logits, scaled up (batch 8, 10 classes)")
    header = (
        f"{'scale':>8} {'max |logit|':>12} {'naive':>12} {'log_softmax':>12} {'float64 ref':>12}"
    )
    print(header)
    print("-" * len(header))
    for scale in SCALES:
        logits = base * scale
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            naive = naive_cross_entropy(logits, targets).item()
        stable = F.cross_entropy(logits, targets).item()
        ref = reference(logits.numpy(), targets.numpy())
        biggest = float(np.abs(logits.numpy()).max())
        print(f"{scale:>8g} {biggest:>12.4g} {naive:>12.6g} {stable:>12.6g} {ref:>12.6g}")

    batch, classes = 512, 1000
    logits = tt.randn(batch, classes)
    targets = tt.randint(0, classes, (batch,))
    naive_s = median_seconds(lambda: naive_cross_entropy(logits, targets), REPEATS, WARMUP)
    stable_s = median_seconds(lambda: F.cross_entropy(logits, targets), REPEATS, WARMUP)
    print(f"\nForward time, batch {batch} x {classes} classes (median of {REPEATS} runs)")
    print(f"  naive softmax + log : {naive_s * 1e3:8.3f} ms")
    print(f"  log_softmax         : {stable_s * 1e3:8.3f} ms")
    print(f"  ratio naive/stable  : {naive_s / stable_s:8.2f}")


if __name__ == "__main__":
    main()
