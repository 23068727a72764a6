#!/usr/bin/env python3
"""Benchmarks of the reference tinytorch against a NumPy floor measured in the same run.

    nox -s bench                         # every workload, table + bench-results/bench.json
    python scripts/bench.py -w a -w d    # some workloads (needs numpy only)

Each workload runs the same computation three ways, interleaved round by round so that
machine noise hits all of them alike: tinytorch (the reference solution), the hand-written
NumPy floor in ``scripts/bench_floor.py``, and PyTorch when it happens to be importable (it is
not a dependency). Before timing, one step of each from identical weights must agree, so the
table compares equal work. Reported: median, min and max of the repeats, and the ratio of
medians to the floor. Targets (SPEC: a and d within 1.5x of the floor) are reported, not
asserted: machines are noisy and a benchmark is not a test.

Workload ``bpe`` has no NumPy floor: it times tinytorch's incremental BPE trainer against the
naive trainer of ``solutions/systems/bpe_training.py``, which recounts every pair before each
merge, after checking that both learn the same merges (target: at least 10x faster).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "solutions"), str(ROOT / "scripts")]

import bench_floor as floor  # noqa: E402

import tinytorch as tt  # noqa: E402
from systems.bpe_training import chunk_counts, naive_merges  # noqa: E402
from tinytorch import nn, optim  # noqa: E402
from tinytorch.datasets import load_shakespeare  # noqa: E402
from tinytorch.nn import functional as F  # noqa: E402
from tinytorch.text import learn_merges  # noqa: E402

# PyTorch's OpenMP threads otherwise spin for a while after every call, stealing the CPU from
# whatever runs next; they must not slow down the other columns.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
try:  # optional comparison column
    import torch
except ImportError:
    torch = None

#: Workloads with a target ratio to the floor (SPEC, "Performance"); for "bpe" the ratio is
#: incremental / naive training time, so 0.1 means at least 10x faster (issue 8).
TARGETS = {"a": 1.5, "d-forward": 1.5, "d-train": 1.5, "bpe": 0.1}


@dataclass
class Workload:
    key: str
    description: str
    runners: dict[str, Callable[[], object]]
    repeats: int
    samples: dict[str, list[float]] = field(default_factory=dict)
    baseline: str = "numpy"  # the runner the ratio divides by ("ratio_to_numpy" in the JSON)


def arrays(module: nn.Module) -> list[np.ndarray]:
    """The module's parameters as NumPy copies, in registration order."""
    return [p.data.copy() for p in module.parameters()]


def agree(name: str, ours, reference, rtol: float = 2e-4, atol: float = 2e-5) -> None:
    ours, reference = np.asarray(ours, dtype=np.float64), np.asarray(reference, dtype=np.float64)
    if not np.allclose(ours, reference, rtol=rtol, atol=atol):
        worst = float(np.max(np.abs(ours - reference)))
        raise SystemExit(
            f"{name}: tinytorch and the NumPy floor disagree (max abs diff {worst:.3g})"
        )


def tiny_train_step(model: nn.Module, optimizer, x: tt.Tensor, y: tt.Tensor) -> Callable[[], float]:
    def step() -> float:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


def torch_twin(model: nn.Module, build: Callable[[], object]):
    """The same model in PyTorch with the same weights (only when torch is importable)."""
    twin = build()
    with torch.no_grad():
        for theirs, ours in zip(twin.parameters(), model.parameters(), strict=True):
            theirs.copy_(torch.from_numpy(ours.data.copy()))
    return twin


def torch_train_step(twin, x: np.ndarray, y: np.ndarray) -> Callable[[], float]:
    optimizer = torch.optim.Adam(twin.parameters(), lr=1e-3)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def step() -> float:
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(twin(xt), yt)
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


# ----------------------------------------------------------------------------- workloads


def workload_a(rng: np.random.Generator) -> list[Workload]:
    """a. MLP 784-128-64-10, batch 64, one Adam train step."""
    tt.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10)
    )
    x = rng.random((64, 784), dtype=np.float32)
    y = rng.integers(0, 10, 64)
    numpy_model = floor.MLP(arrays(model))
    ours = tiny_train_step(
        model, optim.Adam(model.parameters(), lr=1e-3), tt.tensor(x), tt.tensor(y)
    )
    runners = {"tinytorch": ours, "numpy": lambda: numpy_model.train_step(x, y)}
    if torch is not None:
        twin = torch_twin(
            model,
            lambda: torch.nn.Sequential(
                torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64), torch.nn.ReLU(),
                torch.nn.Linear(64, 10),
            ),
        )  # fmt: skip
        runners["torch"] = torch_train_step(twin, x, y)
    agree("a: first-step loss", runners["tinytorch"](), runners["numpy"]())
    for ours_p, floor_p in zip(model.parameters(), numpy_model.params, strict=True):
        agree("a: weights after one Adam step", ours_p.data, floor_p)
    return [Workload("a", "MLP 784-128-64-10, batch 64, Adam train step", runners, repeats=300)]


def _convnet(
    rng, convs_spec, linear_spec, batch, image
) -> tuple[nn.Module, floor.ConvNet, np.ndarray, np.ndarray]:
    tt.manual_seed(0)
    layers: list[nn.Module] = []
    for c_in, c_out, k, padding in convs_spec:
        layers += [nn.Conv2d(c_in, c_out, k, padding=padding), nn.ReLU(), nn.MaxPool2d(2)]
    layers.append(nn.Flatten())
    for index, (f_in, f_out) in enumerate(linear_spec):
        layers.append(nn.Linear(f_in, f_out))
        if index < len(linear_spec) - 1:
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers)
    convs = [m for m in model if isinstance(m, nn.Conv2d)]
    linears = [m for m in model if isinstance(m, nn.Linear)]
    numpy_model = floor.ConvNet(
        [(c.weight.data, c.bias.data, spec[3]) for c, spec in zip(convs, convs_spec, strict=True)],
        [(m.weight.data, m.bias.data) for m in linears],
    )
    x = rng.random((batch, *image), dtype=np.float32)
    y = rng.integers(0, 10, batch)
    return model, numpy_model, x, y


def _torch_convnet(convs_spec, linear_spec):
    layers = []
    for c_in, c_out, k, padding in convs_spec:
        layers += [
            torch.nn.Conv2d(c_in, c_out, k, padding=padding),
            torch.nn.ReLU(),
            torch.nn.MaxPool2d(2),
        ]
    layers.append(torch.nn.Flatten())
    for index, (f_in, f_out) in enumerate(linear_spec):
        layers.append(torch.nn.Linear(f_in, f_out))
        if index < len(linear_spec) - 1:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def workload_b(rng: np.random.Generator) -> list[Workload]:
    """b. LeNet-5 (ReLU, max pooling), batch 32, Adam train step."""
    convs, linears = [(1, 6, 5, 0), (6, 16, 5, 0)], [(400, 120), (120, 84), (84, 10)]
    model, numpy_model, x, y = _convnet(rng, convs, linears, 32, (1, 32, 32))
    ours = tiny_train_step(
        model, optim.Adam(model.parameters(), lr=1e-3), tt.tensor(x), tt.tensor(y)
    )
    runners = {"tinytorch": ours, "numpy": lambda: numpy_model.train_step(x, y)}
    if torch is not None:
        runners["torch"] = torch_train_step(
            torch_twin(model, lambda: _torch_convnet(convs, linears)), x, y
        )
    agree("b: first-step loss", runners["tinytorch"](), runners["numpy"]())
    return [Workload("b", "LeNet-5, batch 32, Adam train step", runners, repeats=20)]


def workload_c(rng: np.random.Generator) -> list[Workload]:
    """c. CIFAR CNN (conv 3->32->64, pools, linear), batch 32: forward, and train step."""
    convs, linears = [(3, 32, 3, 1), (32, 64, 3, 1)], [(64 * 8 * 8, 10)]
    model, numpy_model, x, y = _convnet(rng, convs, linears, 32, (3, 32, 32))
    xt = tt.tensor(x)

    def ours_forward():
        with tt.no_grad():
            return model(xt)

    forward = {"tinytorch": ours_forward, "numpy": lambda: numpy_model.forward(x)[0]}
    train = {
        "tinytorch": tiny_train_step(
            model, optim.Adam(model.parameters(), lr=1e-3), xt, tt.tensor(y)
        ),
        "numpy": lambda: numpy_model.train_step(x, y),
    }
    if torch is not None:
        twin = torch_twin(model, lambda: _torch_convnet(convs, linears))
        xt_torch = torch.from_numpy(x)

        def torch_forward():
            with torch.no_grad():
                return twin(xt_torch)

        forward["torch"] = torch_forward
        train["torch"] = torch_train_step(twin, x, y)
    agree("c: logits", forward["tinytorch"]().data, forward["numpy"]())
    return [
        Workload("c-forward", "CIFAR CNN, batch 32, forward", forward, repeats=15),
        Workload("c-train", "CIFAR CNN, batch 32, Adam train step", train, repeats=10),
    ]


def workload_d(rng: np.random.Generator) -> list[Workload]:
    """d. Conv2d(3->32, 3x3, padding 1) on (32, 3, 32, 32): forward, and forward+backward."""
    tt.manual_seed(0)
    conv = nn.Conv2d(3, 32, 3, padding=1)
    x = rng.standard_normal((32, 3, 32, 32), dtype=np.float32)
    grad = rng.standard_normal((32, 32, 32, 32), dtype=np.float32)
    w, b = conv.weight.data.copy(), conv.bias.data.copy()
    xt, gt = tt.tensor(x), tt.tensor(grad)
    xt_grad = tt.tensor(x, requires_grad=True)

    def ours_forward():
        with tt.no_grad():
            return conv(xt)

    def ours_train():
        conv.zero_grad()
        xt_grad.grad = None
        out = conv(xt_grad)
        out.backward(gt)
        return xt_grad.grad

    forward = {"tinytorch": ours_forward, "numpy": lambda: floor.conv2d(x, w, b, 1)[0]}
    train = {
        "tinytorch": ours_train,
        "numpy": lambda: floor.conv_forward_backward(x, w, b, grad, 1)[1][0],
    }
    if torch is not None:
        twin = torch_twin(conv, lambda: torch.nn.Conv2d(3, 32, 3, padding=1))
        x_torch, g_torch = torch.from_numpy(x), torch.from_numpy(grad)

        def torch_forward():
            with torch.no_grad():
                return twin(x_torch)

        def torch_train():
            twin.zero_grad()
            leaf = x_torch.clone().requires_grad_(True)
            twin(leaf).backward(g_torch)
            return leaf.grad

        forward["torch"], train["torch"] = torch_forward, torch_train
    agree("d: conv output", forward["tinytorch"]().data, forward["numpy"]())
    agree("d: input gradient", train["tinytorch"]().data, train["numpy"]())
    return [
        Workload(
            "d-forward", "Conv2d(3->32, 3x3, pad 1) on (32,3,32,32), forward", forward, repeats=30
        ),
        Workload(
            "d-train",
            "Conv2d(3->32, 3x3, pad 1) on (32,3,32,32), forward+backward",
            train,
            repeats=20,
        ),
    ]


def workload_bpe(rng: np.random.Generator) -> list[Workload]:
    """BPE training: incremental pair counts (tinytorch) against a full recount per merge."""
    words, merges = chunk_counts(load_shakespeare("train")[:50_000]), 200
    if learn_merges(words, merges) != naive_merges(words, merges):
        raise SystemExit("bpe: the incremental and the naive trainer learn different merges")
    runners = {
        "tinytorch": lambda: learn_merges(words, merges),
        "naive": lambda: naive_merges(words, merges),
    }
    description = (
        f"BPE training, {merges} merges on 50,000 chars of Shakespeare, identical merges; "
        "ratio = incremental / naive"
    )
    return [Workload("bpe", description, runners, repeats=3, baseline="naive")]


WORKLOADS = {"a": workload_a, "b": workload_b, "c": workload_c, "d": workload_d}
WORKLOADS["bpe"] = workload_bpe


# ----------------------------------------------------------------------------- timing


def run(workload: Workload, warmup: int = 3) -> None:
    """Time every runner, interleaved: one call of each per round, after a warm-up.

    The order is shuffled every round (with a fixed seed), so that no runner always pays for
    the caches or threads the previous one left behind.
    """
    for runner in workload.runners.values():
        for _ in range(warmup):
            runner()
    workload.samples = {name: [] for name in workload.runners}
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        names = list(workload.runners)
        order = np.random.default_rng(0)
        for _ in range(workload.repeats):
            for name in order.permutation(names):
                start = time.perf_counter()
                workload.runners[name]()
                workload.samples[name].append(time.perf_counter() - start)
    finally:
        if gc_was_enabled:
            gc.enable()


def summarize(workload: Workload) -> dict:
    stats = {
        name: {
            "median_ms": statistics.median(s) * 1e3,
            "min_ms": min(s) * 1e3,
            "max_ms": max(s) * 1e3,
            "samples_ms": [v * 1e3 for v in s],
        }
        for name, s in workload.samples.items()
    }
    floor_median = stats[workload.baseline]["median_ms"]
    for entry in stats.values():
        entry["ratio_to_numpy"] = entry["median_ms"] / floor_median  # to the baseline
    target = next((t for key, t in TARGETS.items() if workload.key == key), None)
    return {
        "workload": workload.key,
        "description": workload.description,
        "repeats": workload.repeats,
        "target_ratio": target,
        "baseline": workload.baseline,
        "results": stats,
    }


def render(summaries: list[dict]) -> str:
    columns = ["tinytorch", "numpy", "naive", "torch"]
    present = [c for c in columns if any(c in s["results"] for s in summaries)]
    header = (
        f"{'workload':<11}"
        + "".join(f"{c + ' median (min-max) ms':>34}" for c in present)
        + f"{'ratio':>8}  target"
    )
    lines = [header, "-" * len(header)]
    for s in summaries:
        row = f"{s['workload']:<11}"
        for c in present:
            r = s["results"].get(c)
            cell = f"{r['median_ms']:.2f} ({r['min_ms']:.2f}-{r['max_ms']:.2f})" if r else "-"
            row += f"{cell:>34}"
        ratio = s["results"]["tinytorch"]["ratio_to_numpy"]
        target = s["target_ratio"]
        verdict = (
            ""
            if target is None
            else (f"<= {target}x met" if ratio <= target else f"<= {target}x MISSED")
        )
        lines.append(f"{row}{ratio:>7.2f}x  {verdict}")
    lines.append("")
    lines += [f"{s['workload']:<11}{s['description']}" for s in summaries]
    return "\n".join(lines)


def environment() -> dict:
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": getattr(torch, "__version__", None),
        "machine": platform.machine(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "-w",
        "--workload",
        action="append",
        choices=sorted(WORKLOADS),
        help="run only these (repeatable)",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=ROOT / "bench-results" / "bench.json",
        help="where to write the results",
    )
    parser.add_argument(
        "--repeat-scale", type=float, default=1.0, help="multiply every workload's repeats"
    )
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    summaries = []
    for key in args.workload or sorted(WORKLOADS):
        for workload in WORKLOADS[key](rng):
            workload.repeats = max(3, int(workload.repeats * args.repeat_scale))
            print(
                f"running {workload.key}: {workload.description} ({workload.repeats} repeats)",
                flush=True,
            )
            run(workload)
            summaries.append(summarize(workload))
    print()
    print(render(summaries))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps({"environment": environment(), "workloads": summaries}, indent=1) + "\n",
        encoding="utf-8",
    )
    print(f"\nwrote {args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
