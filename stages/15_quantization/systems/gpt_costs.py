"""Systems: where a GPT's parameters, FLOPs and time go, measured on the "baby GPT".

The model of the Shakespeare milestone (4 layers, 4 heads, d_model 128, block 64, vocabulary
65, batch 12). For each component the script prints:

- its parameters, counted from the model itself, next to the formula they should equal;
- the floating-point operations of its forward pass (2 per multiply-add of every matmul; the
  attention scores count the full T x T square, masked half included, because that is what
  is computed);
- the median time of its forward pass alone, measured on an input of the real shape, and the
  rate that gives in GFLOP/s;

then the time of one whole training step split into forward, backward and the AdamW update.
Matmul-heavy parts (the MLP, the qkv projection) reach a good fraction of what NumPy's BLAS can
do; small elementwise parts (LayerNorm, the residual adds) are limited by memory traffic and
Python overhead instead, and take a larger share of the time than of the FLOPs.

BLAS runs on one thread (``OPENBLAS_NUM_THREADS=1`` unless you set it): on a busy machine a
multi-threaded matmul waits for cores that are doing something else.

Run from a stage folder: ``python -m systems.gpt_costs``
"""

from __future__ import annotations

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # before NumPy loads its BLAS

import numpy as np  # noqa: E402

import tinytorch as tt  # noqa: E402
from systems.measure import median_seconds  # noqa: E402
from tinytorch import optim  # noqa: E402
from tinytorch.models import GPT  # noqa: E402

VOCAB, BLOCK, LAYERS, HEADS, WIDTH, BATCH = 65, 64, 4, 4, 128, 12


def components(model: GPT, x: tt.Tensor) -> list[tuple[str, int, int, int, object]]:
    """(name, parameters counted, parameters by formula, forward FLOPs, forward callable)."""
    B, T, d, V, L = BATCH, BLOCK, WIDTH, VOCAB, LAYERS
    block = model.blocks[0]
    idx = tt.tensor(np.zeros((B, T), dtype=np.int64))

    def count(module) -> int:
        return sum(p.numel() for p in module.parameters())

    attn_flops = 2 * B * T * d * 3 * d + 2 * 2 * B * T * T * d + 2 * B * T * d * d
    return [
        ("token embedding (tied head)", count(model.token_embedding), V * d, 0,
         lambda: model.token_embedding(idx)),
        ("position embedding", count(model.position_embedding), T * d, 0,
         lambda: model.position_embedding(tt.tensor(np.arange(T)))),
        (f"{L} x LayerNorm ln_1", L * count(block.ln_1), L * 2 * d, L * 8 * B * T * d,
         lambda: block.ln_1(x)),
        (f"{L} x attention", L * count(block.attn), L * (3 * d * d + 3 * d + d * d + d),
         L * attn_flops, lambda: block.attn(x)),
        (f"{L} x LayerNorm ln_2", L * count(block.ln_2), L * 2 * d, L * 8 * B * T * d,
         lambda: block.ln_2(x)),
        (f"{L} x MLP", L * count(block.mlp), L * (8 * d * d + 5 * d),
         L * 2 * 2 * B * T * d * 4 * d, lambda: block.mlp(x)),
        ("final LayerNorm", count(model.ln_f), 2 * d, 8 * B * T * d, lambda: model.ln_f(x)),
        ("output head (tied)", 0, 0, 2 * B * T * d * V, lambda: model.lm_head(x)),
    ]  # fmt: skip


def main() -> None:
    tt.manual_seed(0)
    model = GPT(VOCAB, BLOCK, LAYERS, HEADS, WIDTH)
    rng = np.random.default_rng(0)
    x = tt.tensor(rng.standard_normal((BATCH, BLOCK, WIDTH)).astype(np.float32))
    total_params = sum(p.numel() for p in model.parameters())
    print(f"GPT vocab {VOCAB}, block {BLOCK}, {LAYERS} layers, {HEADS} heads, d_model {WIDTH}, "
          f"batch {BATCH}: {total_params:,} parameters\n")  # fmt: skip
    header = (
        f"{'component':<30}{'params':>9}{'formula':>9}{'fwd MFLOP':>11}{'fwd ms':>9}{'GFLOP/s':>9}"
    )
    print(header)
    print("-" * len(header))
    counted, flops = 0, 0
    with tt.no_grad():
        for name, params, formula, fwd_flops, forward in components(model, x):
            repeats = LAYERS if name.startswith(f"{LAYERS} x") else 1
            seconds = median_seconds(forward, repeats=7, warmup=2) * repeats
            rate = f"{fwd_flops / seconds / 1e9:9.2f}" if fwd_flops else f"{'-':>9}"
            print(f"{name:<30}{params:>9,}{formula:>9,}{fwd_flops / 1e6:>11.1f}"
                  f"{seconds * 1e3:>9.2f}{rate}")  # fmt: skip
            counted, flops = counted + params, flops + fwd_flops
    print(f"{'total':<30}{counted:>9,}{'':>9}{flops / 1e6:>11.1f}")
    assert counted == total_params, "every parameter belongs to exactly one component"

    idx = tt.tensor(rng.integers(0, VOCAB, (BATCH, BLOCK)))
    targets = tt.tensor(rng.integers(0, VOCAB, (BATCH, BLOCK)))
    optimizer = optim.AdamW(model.parameters(), lr=1e-3)
    state = {}

    def forward():
        state["loss"] = model(idx, targets)[1]

    def backward():
        forward()  # a fresh graph each time (backward frees it); forward time subtracted below
        optimizer.zero_grad()
        state["loss"].backward()

    t_forward = median_seconds(forward, repeats=7, warmup=2)
    t_both = median_seconds(backward, repeats=7, warmup=1)
    t_step = median_seconds(optimizer.step, repeats=7, warmup=1)
    total = t_both + t_step
    print(f"\none training step: {total * 1e3:.1f} ms = forward {t_forward * 1e3:.1f} ms + "
          f"backward {(t_both - t_forward) * 1e3:.1f} ms + AdamW {t_step * 1e3:.1f} ms")  # fmt: skip
    print(f"training FLOPs (about 3x forward: backward computes two products per matmul): "
          f"{3 * flops / 1e9:.2f} GFLOP per step, {3 * flops / total / 1e9:.2f} GFLOP/s achieved")  # fmt: skip


if __name__ == "__main__":
    main()
