"""Systems: im2col buys speed with memory, measured.

Three ways to compute the same convolution:

- **pixel loop**: slide the kernel by hand, one output position at a time; each step is a
  small tensordot of one receptive field (N, C, kh, kw) with the weight. OH*OW Python steps.
- **tap loop**: one step per kernel tap (i, j), kh*kw Python steps: multiply the whole shifted
  image by the weight's (O, C) slice for that tap and add it up. No extra buffer.
- **im2col**: your ``F.conv2d``: copy every receptive field into one column matrix (about
  kh*kw times the input's size) and do a single large matrix multiply.

The script checks that the three agree, then measures each one's median time (after a
warm-up) and its peak extra memory (``tracemalloc`` sees NumPy's allocations), and finally
how the im2col buffer (``nbytes``) grows with the kernel size. In training, that buffer is
also kept alive until the backward pass, for the weight's gradient.

Run from a stage folder: ``python -m systems.conv_im2col``
"""

from __future__ import annotations

import numpy as np

import tinytorch as tt
import tinytorch.nn.functional as F
from systems.measure import median_seconds, peak_bytes
from tinytorch.ops import conv as conv_ops

BATCH, IN_CHANNELS, OUT_CHANNELS, SIZE, KERNEL = 16, 16, 32, 32, 3
KERNELS = [1, 3, 5, 7]


def pixel_loop(x: np.ndarray, w: np.ndarray, padding: int) -> np.ndarray:
    """The definition, one output pixel at a time (stride 1)."""
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    kh, kw = w.shape[2:]
    oh, ow = xp.shape[2] - kh + 1, xp.shape[3] - kw + 1
    out = np.empty((x.shape[0], w.shape[0], oh, ow), dtype=x.dtype)
    for y in range(oh):
        for z in range(ow):
            field = xp[:, :, y : y + kh, z : z + kw]
            out[:, :, y, z] = np.tensordot(field, w, axes=([1, 2, 3], [1, 2, 3]))
    return out


def tap_loop(x: np.ndarray, w: np.ndarray, padding: int) -> np.ndarray:
    """One shifted-image matrix multiply per kernel tap, accumulated (stride 1)."""
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    kh, kw = w.shape[2:]
    oh, ow = xp.shape[2] - kh + 1, xp.shape[3] - kw + 1
    out = np.zeros((x.shape[0], w.shape[0], oh, ow), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            shifted = xp[:, :, i : i + oh, j : j + ow]  # (N, C, OH, OW), a view
            out += np.einsum("oc,nchw->nohw", w[:, :, i, j], shifted, optimize=True)
    return out


def main() -> None:
    tt.manual_seed(0)
    x = tt.randn(BATCH, IN_CHANNELS, SIZE, SIZE)
    w = tt.randn(OUT_CHANNELS, IN_CHANNELS, KERNEL, KERNEL) * 0.1
    xs, ws, pad = x.numpy(), w.numpy(), KERNEL // 2

    def im2col() -> np.ndarray:
        with tt.no_grad():
            return F.conv2d(x, w, padding=pad).numpy()

    methods = {
        "pixel loop": lambda: pixel_loop(xs, ws, pad),
        "tap loop": lambda: tap_loop(xs, ws, pad),
        "im2col (yours)": im2col,
    }
    results = {name: fn() for name, fn in methods.items()}
    worst = max(np.abs(r - results["im2col (yours)"]).max() for r in results.values())
    print(
        f"Conv2d({IN_CHANNELS}->{OUT_CHANNELS}, {KERNEL}x{KERNEL}, padding {pad}) on "
        f"({BATCH}, {IN_CHANNELS}, {SIZE}, {SIZE}) float32, forward only"
    )
    print(f"the three methods agree: largest difference {worst:.2e}")
    print(f"input {xs.nbytes / 2**20:.2f} MiB, output {results['tap loop'].nbytes / 2**20:.2f} MiB")
    header = (
        f"{'method':>15} {'python steps':>13} {'median ms':>10} {'speed-up':>9} {'peak MiB':>9}"
    )
    print(header)
    print("-" * len(header))
    steps = {"pixel loop": SIZE * SIZE, "tap loop": KERNEL * KERNEL, "im2col (yours)": 1}
    base = None
    for name, fn in methods.items():
        seconds = median_seconds(fn)
        base = base or seconds
        peak = peak_bytes(fn) / 2**20
        print(
            f"{name:>15} {steps[name]:>13} {seconds * 1e3:>10.2f} {base / seconds:>8.1f}x {peak:>9.2f}"
        )

    print()
    print("the im2col buffer by kernel size (same input, padding k // 2)")
    header = (
        f"{'kernel':>7} {'columns MiB':>12} {'x input':>8} {'im2col ms':>10} {'tap loop ms':>12}"
    )
    print(header)
    print("-" * len(header))
    for k in KERNELS:
        wk = tt.randn(OUT_CHANNELS, IN_CHANNELS, k, k) * 0.1
        padded = conv_ops.pad2d(xs, ((k // 2, k // 2), (k // 2, k // 2)))
        cols = conv_ops.windows(padded, (k, k), (1, 1)).reshape(BATCH, -1, SIZE * SIZE)
        with tt.no_grad():
            fast = median_seconds(lambda wk=wk, k=k: F.conv2d(x, wk, padding=k // 2), repeats=3)
        slow = median_seconds(lambda wk=wk, k=k: tap_loop(xs, wk.numpy(), k // 2), repeats=3)
        print(
            f"{f'{k}x{k}':>7} {cols.nbytes / 2**20:>12.2f} {cols.nbytes / xs.nbytes:>7.1f}x "
            f"{fast * 1e3:>10.2f} {slow * 1e3:>12.2f}"
        )


if __name__ == "__main__":
    main()
