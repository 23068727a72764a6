"""A per-layer profile of a model: parameters, FLOPs, activations, latency and memory.

``profile(model, x)`` runs the model and reports, for the model and every module inside it
(one row each, indented by depth, as ``model.named_modules()`` lists them):

- **parameters**: how many numbers the module (and its submodules) learns: its size on disk;
- **FLOPs**: the arithmetic of one forward pass through it, counted from shapes
  (:mod:`tinytorch.profiling.flops`);
- **activation bytes**: the size of the tensors its forward returns, memory that training
  keeps alive until the backward pass;
- **latency**: the median and interquartile range of its forward's wall time over
  ``repeats`` runs, after ``warmup`` untimed runs (:mod:`tinytorch.profiling.timing`);
- **peak memory**: the most memory allocated at once during its forward, above what was
  allocated when it started (``tracemalloc`` sees every NumPy buffer).

Each row covers the module's whole forward, submodules included, so the first row is the
whole model. The four measurements run as separate passes: ``tracemalloc`` slows every
allocation down, so memory is never measured in the same run as time.

The report prints as a table and exports to JSON or CSV for plotting or for comparing two
versions of a model.
"""

from __future__ import annotations

import csv
import io
import json
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from tinytorch.autograd import no_grad
from tinytorch.nn.module import Module
from tinytorch.profiling.flops import FlopCounterMode
from tinytorch.profiling.timing import LatencyStats
from tinytorch.tensor import Tensor


def count_parameters(model: Module, trainable_only: bool = False) -> int:
    """How many numbers ``model`` learns: the sum of its parameters' sizes.

    A parameter shared by two layers (tied weights) is one set of numbers and counts once.
    With ``trainable_only``, parameters with ``requires_grad=False`` (frozen) are left out.
    """
    # TODO: add up numel() of every parameter (model.parameters() lists a shared one once).
    raise NotImplementedError(
        "stage 14: count_parameters: add up numel() of every parameter (model.parameters() lists a shared one once)."
    )


@dataclass
class LayerProfile:
    """One row of a :class:`ProfileReport`: one module's forward, submodules included."""

    name: str
    type: str
    depth: int
    calls: int
    parameters: int
    flops: int
    activation_bytes: int
    latency: LatencyStats
    peak_bytes: int

    def as_dict(self) -> dict:
        """The row as flat JSON-ready values (times in seconds)."""
        row = asdict(self)
        del row["latency"]
        row.update(
            latency_median_s=self.latency.median,
            latency_q1_s=self.latency.q1,
            latency_q3_s=self.latency.q3,
            latency_iqr_s=self.latency.iqr,
            repeats=self.latency.repeats,
            warmup=self.latency.warmup,
        )
        return row


class ProfileReport(list):
    """The rows of :func:`profile`, in ``named_modules()`` order; prints as a table."""

    def table(self) -> str:
        """One line per module, indented by depth; a module whose forward never ran (such as
        a ModuleList, which only holds modules) shows dashes instead of measurements."""
        header = (
            f"{'layer':<44}{'params':>10}{'MFLOPs':>11}{'act. KiB':>10}"
            f"{'median ms':>11}{'IQR ms':>9}{'peak KiB':>10}"
        )
        lines = [header, "-" * len(header)]
        for row in self:
            label = "  " * row.depth + (f"{row.name} ({row.type})" if row.name else row.type)
            line = f"{label[:43]:<44}{row.parameters:>10,}"
            if row.calls == 0:
                lines.append(line + "".join(f"{'-':>{width}}" for width in (11, 10, 11, 9, 10)))
                continue
            lines.append(
                f"{line}{row.flops / 1e6:>11.3f}{row.activation_bytes / 1024:>10.1f}"
                f"{row.latency.median * 1e3:>11.3f}{row.latency.iqr * 1e3:>9.3f}"
                f"{row.peak_bytes / 1024:>10.1f}"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    def to_json(self, path: str | Path | None = None) -> str:
        """The report as a JSON list of rows (also written to ``path`` if given)."""
        text = json.dumps([row.as_dict() for row in self], indent=1)
        if path is not None:
            Path(path).write_text(text + "\n", encoding="utf-8")
        return text

    def to_csv(self, path: str | Path | None = None) -> str:
        """The report as CSV with a header line (also written to ``path`` if given)."""
        buffer = io.StringIO()
        rows = [row.as_dict() for row in self]
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        if path is not None:
            Path(path).write_text(buffer.getvalue(), encoding="utf-8")
        return buffer.getvalue()


def _output_bytes(output) -> int:
    """Bytes of the tensors a forward returned (a tensor, or a tuple/list of them)."""
    if isinstance(output, Tensor):
        return output.data.nbytes
    if isinstance(output, (tuple, list)):
        return sum(_output_bytes(item) for item in output)
    return 0


class _Hooks:
    """Forward pre-/post-hooks on every module of a model, removed on exit."""

    def __init__(self, model: Module, before: Callable, after: Callable) -> None:
        self.handles = []
        for name, module in model.named_modules():
            self.handles.append(module.register_forward_pre_hook(lambda m, a, n=name: before(n)))
            self.handles.append(
                module.register_forward_hook(lambda m, a, out, n=name: after(n, out))
            )

    def __enter__(self) -> _Hooks:
        return self

    def __exit__(self, *exc_info) -> None:
        for handle in self.handles:
            handle.remove()


def _activations(model: Module, inputs) -> tuple[dict[str, int], dict[str, int]]:
    """Per module: the bytes of what its forward returned, and how many times it ran."""
    sizes: dict[str, int] = defaultdict(int)
    calls: dict[str, int] = defaultdict(int)

    def after(name, output):
        sizes[name] += _output_bytes(output)
        calls[name] += 1

    with no_grad(), _Hooks(model, lambda name: None, after):
        model(*inputs)
    return sizes, calls


def _peak_bytes(model: Module, inputs) -> dict[str, int]:
    """Each module's peak traced memory during its forward, above the level it started at.

    tracemalloc has one peak counter, so nested modules share it: entering a module folds the
    peak so far into the parent's running maximum and resets the counter; leaving it reads
    the module's own peak and folds that into the parent's maximum.
    """
    peaks: dict[str, int] = defaultdict(int)
    stack: list[list[int]] = []  # per running module: [start level, highest level seen]

    def fold_peak_into_top():
        current, peak = tracemalloc.get_traced_memory()
        if stack:
            stack[-1][1] = max(stack[-1][1], peak)
        tracemalloc.reset_peak()
        return current

    def before(name):
        current = fold_peak_into_top()
        stack.append([current, current])

    def after(name, output):
        fold_peak_into_top()
        start, highest = stack.pop()
        peaks[name] = max(peaks[name], highest - start)
        if stack:
            stack[-1][1] = max(stack[-1][1], highest)

    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        with no_grad(), _Hooks(model, before, after):
            model(*inputs)
    finally:
        if not was_tracing:
            tracemalloc.stop()
    return peaks


def _latencies(model: Module, inputs, warmup: int, repeats: int, clock) -> dict[str, list]:
    """Per module, the seconds its forward took in each of ``repeats`` timed runs."""
    # TODO: run the model `warmup` times untimed, then `repeats` times with hooks that read
    #   the clock before and after each module's forward; return name -> list of seconds.
    # HINT: _Hooks(model, before, after) calls before(name) and after(name, output); keep the
    #   start times in a dict. A module called twice in one run adds both calls up, so sum
    #   per run: append a 0.0 for every module at the start of each run and add into it.
    raise NotImplementedError(
        "stage 14: _latencies: run the model `warmup` times untimed, then `repeats` times with hooks that read the clock before and after each module's forward; return name -> list of seconds."
    )


def profile(
    model: Module,
    *inputs,
    warmup: int = 3,
    repeats: int = 10,
    clock: Callable[[], float] = time.perf_counter,
) -> ProfileReport:
    """Profile ``model(*inputs)`` layer by layer (see the module docstring for each column).

    The model runs once each to count FLOPs, to size the activations and to trace memory
    (all without recording a graph), then ``warmup`` untimed and ``repeats`` timed times:
    the timed runs are always the last ones.

    Args:
        warmup: untimed runs before timing.
        repeats: timed runs; each row's latency is the median and IQR over them.
        clock: returns seconds; injectable for tests.
    """
    if warmup < 0 or repeats < 1:
        raise ValueError(
            f"need warmup >= 0 and repeats >= 1, got warmup={warmup}, repeats={repeats}"
        )
    with no_grad(), FlopCounterMode(model) as counter:
        model(*inputs)
    flops = {name: sum(ops.values()) for name, ops in counter.get_flop_counts().items()}
    activations, calls = _activations(model, inputs)
    peaks = _peak_bytes(model, inputs)
    latencies = _latencies(model, inputs, warmup, repeats, clock)
    report = ProfileReport()
    for name, module in model.named_modules():
        report.append(
            LayerProfile(
                name=name,
                type=type(module).__name__,
                depth=name.count(".") + 1 if name else 0,
                calls=calls.get(name, 0),
                parameters=count_parameters(module),
                flops=flops.get(name, 0),
                activation_bytes=activations.get(name, 0),
                latency=LatencyStats.from_samples(latencies[name], warmup),
                peak_bytes=peaks.get(name, 0),
            )
        )
    return report
