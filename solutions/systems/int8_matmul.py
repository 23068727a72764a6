"""Systems: an exact int8 matmul on NumPy, and what quantizing a model buys, measured.

Run from the stage folder:  python -m systems.int8_matmul

1. The product of a (64, K) activation block (centered uint8: [-127, 127]) and a (K, 128)
   int8 weight, for growing K, three ways: NumPy's int32 ``matmul`` (exact, no BLAS),
   ``int_matmul`` on the float32 route (BLAS; exact while K * 127 * 128 <= 2**24, in chunks
   beyond), and a plain float32 matmul of float data as the yardstick. Every integer result
   is checked against int64 arithmetic before it is timed.
2. A 64-128-10 MLP trained on the shipped digits for a few seconds, then quantized with
   ``quantize_dynamic`` per tensor and per channel: test accuracy, bytes of the state dict's
   arrays and of the file ``tinytorch.save`` writes, and inference time on the test set;
   then the same bytes for a wide 784-512-512-10 MLP, where the weights dominate.
"""

from __future__ import annotations

import os
import tempfile

import numpy as np

import tinytorch as tt
from tinytorch import nn, optim
from tinytorch.datasets import Digits
from tinytorch.profiling import measure_latency
from tinytorch.quantization import int_matmul, quantize_dynamic

KS = [64, 256, 784, 1032, 1040, 2048, 4096]
ROWS, COLS = 64, 128


def matmul_table() -> None:
    rng = np.random.default_rng(0)
    print(f"({ROWS}, K) @ (K, {COLS}): integer products, exact, accumulated in int32")
    header = (
        f"{'K':>6}{'K*127*128/2**24':>17}{'int32 ms':>10}{'float32 route ms':>18}"
        f"{'float BLAS ms':>15}{'int32 / route':>15}"
    )
    print(header)
    print("-" * len(header))
    for k in KS:
        a = rng.integers(-127, 128, (ROWS, k)).astype(np.int16)
        b = rng.integers(-128, 128, (k, COLS)).astype(np.int8)
        exact = a.astype(np.int64) @ b.astype(np.int64)
        for method in ("int32", "float32"):
            if not np.array_equal(int_matmul(a, b, method=method), exact):
                raise SystemExit(f"int_matmul({method}) is not exact at K={k}")
        af, bf = a.astype(np.float32), b.astype(np.float32)
        slow = measure_latency(
            lambda a=a, b=b: int_matmul(a, b, method="int32"), warmup=1, repeats=5
        ).median
        route = measure_latency(lambda a=a, b=b: int_matmul(a, b), warmup=2, repeats=15).median
        blas = measure_latency(lambda af=af, bf=bf: af @ bf, warmup=2, repeats=15).median
        print(
            f"{k:>6}{k * 127 * 128 / 2**24:>17.2f}{slow * 1e3:>10.3f}{route * 1e3:>18.3f}"
            f"{blas * 1e3:>15.3f}{slow / route:>14.1f}x"
        )
    print("every result above equals int64 arithmetic exactly")


def digits_mlp():
    train, test = Digits(train=True), Digits(train=False)
    x = train.data.numpy().reshape(-1, 64).astype(np.float32) / 16.0
    mean, std = x.mean(), x.std()
    x, y = tt.tensor((x - mean) / std), train.targets
    x_test = tt.tensor((test.data.numpy().reshape(-1, 64).astype(np.float32) / 16.0 - mean) / std)
    tt.manual_seed(15)
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    optimizer = optim.Adam(model.parameters(), lr=3e-3)
    order = np.random.default_rng(15)
    for _ in range(6):
        for batch in np.array_split(order.permutation(len(y)), len(y) // 32):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(x[batch]), y[batch]).backward()
            optimizer.step()
    return model.eval(), x_test, test.targets.numpy()


def sizes(model: nn.Module, folder: str, name: str) -> tuple[int, int]:
    """(bytes of the state dict's arrays, bytes of the saved file)."""
    path = os.path.join(folder, name)
    tt.save(model.state_dict(), path)
    return sum(t.numpy().nbytes for t in model.state_dict().values()), os.path.getsize(path)


def model_table() -> None:
    model, x_test, labels = digits_mlp()
    variants = {
        "float32": model,
        "int8 per tensor": quantize_dynamic(model),
        "int8 per channel": quantize_dynamic(model, per_channel=True),
    }
    print()
    print("a 64-128-10 MLP on the shipped digits (360 test images)")
    header = (
        f"{'model':<18}{'accuracy':>9}{'array bytes':>13}{'file bytes':>12}{'x smaller':>10}"
        f"{'inference ms':>14}"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as folder, tt.no_grad():
        base = None
        for name, variant in variants.items():
            logits = variant(x_test).numpy()
            accuracy = (logits.argmax(axis=1) == labels).mean()
            arrays, file = sizes(variant, folder, name)
            base = base or arrays
            seconds = measure_latency(lambda v=variant: v(x_test), warmup=2, repeats=15).median
            print(
                f"{name:<18}{100 * accuracy:>8.2f}%{arrays:>13,}{file:>12,}"
                f"{base / arrays:>9.2f}x{seconds * 1e3:>14.3f}"
            )
        wide = nn.Sequential(
            nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10)
        )
        f_arrays, f_file = sizes(wide, folder, "wide-fp32")
        q_arrays, q_file = sizes(quantize_dynamic(wide), folder, "wide-int8")
    print()
    print(
        f"a 784-512-512-10 MLP: float32 {f_arrays:,} B of arrays ({f_file:,} B file), int8 "
        f"{q_arrays:,} B ({q_file:,} B file): {f_arrays / q_arrays:.2f}x smaller "
        f"({f_file / q_file:.2f}x as files)"
    )


def main() -> None:
    matmul_table()
    model_table()


if __name__ == "__main__":
    main()
