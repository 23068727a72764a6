"""What an optimizer costs: state memory per parameter, and time per step.

Run from the stage folder:  python -m systems.optimizer_memory

The parameters of a small MLP (784-256-128-10, about 235 000 weights) get a random gradient,
and each optimizer takes steps. For each one the script measures

- the bytes held in its per-parameter state, summed from the state arrays' ``nbytes`` after a
  step, and that as a multiple of the parameters' own bytes;
- the time of one ``step()``: a few warm-up steps, then the median of repeated timings.

Training memory is parameters + gradients + optimizer state + activations: with Adam the
first three alone are four copies of the model.
"""

from __future__ import annotations

import numpy as np

import tinytorch as tt
from systems.measure import median_seconds
from tinytorch import optim

LAYERS = [(784, 256), (256, 128), (128, 10)]
WARMUP, REPEATS = 3, 25


def make_parameters(seed: int = 0) -> list[tt.Tensor]:
    """Weights and biases of an MLP, each with a random float32 gradient."""
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in LAYERS:
        for shape in ((fan_out, fan_in), (fan_out,)):
            p = tt.tensor(rng.standard_normal(shape).astype(np.float32), requires_grad=True)
            p.grad = tt.tensor(rng.standard_normal(shape).astype(np.float32))
            params.append(p)
    return params


def state_bytes(optimizer: optim.Optimizer) -> int:
    """Bytes of every array the optimizer keeps per parameter (buffers, running averages)."""
    total = 0
    for state in optimizer.state.values():
        for value in state.values():
            if isinstance(value, tt.Tensor):
                total += value.data.nbytes
            elif isinstance(value, np.ndarray):
                total += value.nbytes
    return total


CONFIGS = {
    "SGD": lambda ps: optim.SGD(ps, lr=1e-3),
    "SGD + momentum": lambda ps: optim.SGD(ps, lr=1e-3, momentum=0.9),
    "SGD + Nesterov": lambda ps: optim.SGD(ps, lr=1e-3, momentum=0.9, nesterov=True),
    "RMSprop": lambda ps: optim.RMSprop(ps, lr=1e-3),
    "RMSprop centered": lambda ps: optim.RMSprop(ps, lr=1e-3, centered=True),
    "Adam": lambda ps: optim.Adam(ps, lr=1e-3),
    "AdamW": lambda ps: optim.AdamW(ps, lr=1e-3),
    "Adam + amsgrad": lambda ps: optim.Adam(ps, lr=1e-3, amsgrad=True),
}


def main() -> list[dict]:
    """Measure every optimizer; print a table and return its rows."""
    params = make_parameters()
    count = sum(p.numel() for p in params)
    parameter_bytes = sum(p.data.nbytes for p in params)
    print(f"{len(params)} parameter tensors, {count} float32 values, {parameter_bytes} bytes")
    print(
        f"{'optimizer':<18} {'state bytes':>12} {'x params':>9} {'bytes/param':>12} {'step (ms)':>10}"
    )
    rows = []
    for name, make in CONFIGS.items():
        optimizer = make(make_parameters())
        # The warm-up steps also create the state (buffers appear at the first step).
        seconds = median_seconds(optimizer.step, REPEATS, WARMUP)
        used = state_bytes(optimizer)
        row = {
            "optimizer": name,
            "state_bytes": used,
            "multiple": used / parameter_bytes,
            "bytes_per_parameter": used / count,
            "step_ms": seconds * 1e3,
        }
        rows.append(row)
        print(
            f"{name:<18} {used:>12} {row['multiple']:>9.2f} {row['bytes_per_parameter']:>12.1f} "
            f"{row['step_ms']:>10.3f}"
        )
    return rows


if __name__ == "__main__":
    main()
