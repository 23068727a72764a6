"""Systems: attention is quadratic in the sequence length, measured.

Self-attention over T tokens builds a (T, T) score matrix per head: every token is compared
with every other. The matmuls cost about ``4 * T^2 * E`` multiply-adds for q k^T and
weights @ v, the projections ``~8 * T * E^2``; the (B, H, T, T) scores, and the softmax
weights saved for backward, take ``B * H * T^2 * 4`` bytes each.

This script runs your ``F.scaled_dot_product_attention`` (causal, as in a GPT) at doubling
sequence lengths and measures:

- the median time of the forward pass, and of forward + backward;
- the peak extra memory of each (``tracemalloc`` sees NumPy's buffers), next to the size of
  one (B, H, T, T) float32 score matrix;
- the growth exponent between neighbouring lengths, ``log2(cost(2T) / cost(T))``: 1 for a
  linear cost, 2 for a quadratic one;
- the time per token and per score entry: a cost linear in T keeps the first flat, a
  quadratic one the second.

BLAS runs on one thread here (``OPENBLAS_NUM_THREADS=1`` unless you set it): on a busy machine
a multi-threaded matmul waits for cores that are doing something else, and its times jump by
orders of magnitude for reasons that have nothing to do with T.

Run from a stage folder: ``python -m systems.attention_scaling``
"""

from __future__ import annotations

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # before NumPy loads its BLAS

import numpy as np  # noqa: E402

import tinytorch as tt  # noqa: E402
import tinytorch.nn.functional as F  # noqa: E402
from systems.measure import median_seconds, peak_bytes  # noqa: E402

BATCH, HEADS, HEAD_DIM = 2, 4, 32
LENGTHS = [32, 64, 128, 256, 512]


def main() -> None:
    tt.manual_seed(0)
    shape = f"(B={BATCH}, H={HEADS}, T, D={HEAD_DIM})"
    print(f"causal scaled_dot_product_attention on {shape} float32, median of 5 after a warm-up")
    header = (
        f"{'T':>6} {'forward ms':>11} {'fwd+bwd ms':>11} {'x prev':>7} "
        f"{'fwd peak MiB':>13} {'train peak MiB':>15} {'T x T scores MiB':>17}"
    )
    print(header)
    print("-" * len(header))
    forward_times, peaks = [], []
    for length in LENGTHS:
        q, k, v = (tt.randn(BATCH, HEADS, length, HEAD_DIM) for _ in range(3))
        params = [t.requires_grad_() for t in (q, k, v)]

        def forward(q=q, k=k, v=v):
            with tt.no_grad():
                return F.scaled_dot_product_attention(q, k, v, is_causal=True)

        def train(q=q, k=k, v=v, params=params):
            out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            out.sum().backward()
            for p in params:
                p.grad = None

        seconds = median_seconds(forward, repeats=5)
        train_seconds = median_seconds(train, repeats=5)
        forward_peak = peak_bytes(forward)
        train_peak = peak_bytes(train) / 2**20
        scores = BATCH * HEADS * length * length * 4 / 2**20
        growth = f"{seconds / forward_times[-1]:.1f}x" if forward_times else "-"
        print(
            f"{length:>6} {seconds * 1e3:>11.2f} {train_seconds * 1e3:>11.2f} {growth:>7} "
            f"{forward_peak / 2**20:>13.1f} {train_peak:>15.1f} {scores:>17.1f}"
        )
        forward_times.append(seconds)
        peaks.append(forward_peak)

    times, peaks = np.array(forward_times), np.array(peaks, dtype=np.float64)
    print()
    print("growth exponent per doubling of T, log2(cost(2T) / cost(T)): 1 linear, 2 quadratic")
    print(f"{'T':>6} {'forward time':>13} {'forward peak memory':>20}")
    for i in range(1, len(LENGTHS)):
        time_exponent = np.log2(times[i] / times[i - 1])
        memory_exponent = np.log2(peaks[i] / peaks[i - 1])
        print(f"{LENGTHS[i]:>6} {time_exponent:>13.2f} {memory_exponent:>20.2f}")

    print()
    print("the same forward times per unit of work: the column that levels off is the term")
    print("that dominates (per token grows with T once the T x T work takes over)")
    print(f"{'T':>6} {'us per token':>13} {'ns per score entry':>19}")
    for length, seconds in zip(LENGTHS, times, strict=True):
        per_token = seconds / (BATCH * length) * 1e6
        per_score = seconds / (BATCH * HEADS * length * length) * 1e9
        print(f"{length:>6} {per_token:>13.2f} {per_score:>19.2f}")


if __name__ == "__main__":
    main()
