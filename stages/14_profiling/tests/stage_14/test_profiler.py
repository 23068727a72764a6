# Generated from solutions/tests/stage_14/test_profiler.py by scripts/build_stages.py: graded in this stage.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 14: the operation-level Profiler records every Function call (name, shapes, time),
and its key_averages() table adds up to the time it measured."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
import tinytorch.nn.functional as F
from tinytorch.function import Function
from tinytorch.profiling import Profiler


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class Work(Function):
    """An operation that takes exactly ``seconds`` on the fake clock."""

    def __init__(self, clock, seconds):
        self.clock, self.seconds = clock, seconds

    def forward(self, x):
        self.clock.now += self.seconds
        return x.copy()


@pytest.mark.points(2, hint="record each call's name and input shapes in enter(), time in exit()")
def test_profiler_records_each_operation_with_shapes():
    """Each operation run inside the block is one event, in order, with its input shapes."""
    a, b = tt.randn(3, 4), tt.randn(4, 5)
    with Profiler() as prof:
        c = a @ b
        d = F.relu(c + 1.0)
    assert d.shape == (3, 5)
    names = [e.name for e in prof.events]
    assert names[0] == "MatMul" and names[-1] == "ReLU"
    assert prof.events[0].input_shapes == ((3, 4), (4, 5))
    assert prof.events[-1].input_shapes == ((3, 5),)
    assert all(e.duration >= 0 for e in prof.events)
    a @ b  # outside the block: not recorded
    assert len(prof.events) == len(names)


@pytest.mark.points(
    2, hint="super().exit(...) watches the backward; backward events end in Backward0"
)
def test_profiler_records_backward_operations():
    """Backward runs of operations are recorded too, named as PyTorch names them."""
    w = tt.randn(4, 2, requires_grad=True)
    with Profiler() as prof:
        loss = (tt.randn(3, 4) @ w).sum()
        loss.backward()
    names = [e.name for e in prof.events]
    assert names.count("MatMul") == 1 and names.count("MatMulBackward0") == 1
    assert names.index("MatMulBackward0") > names.index("Sum")
    assert w.grad is not None and w.grad.shape == (4, 2)


@given(seconds=st.lists(st.integers(1, 50), min_size=1, max_size=8), gap=st.integers(0, 5))
@pytest.mark.points(4, hint="group events by name; each group's count and total add up")
def test_key_averages_sum_to_the_measured_total(seconds, gap):
    """Grouped by name, the call counts add up to the events recorded and the times to the
    total of the events; the block's wall time adds the time spent between operations."""
    clock = FakeClock()
    x = tt.ones(2, 2)
    with Profiler(clock=clock) as prof:
        for s in seconds:
            Work(clock, s / 1000)(x)
            clock.now += gap / 1000  # "Python between operations"
            x = x + 1.0
    table = prof.key_averages()
    rows = {row.key: row for row in table}
    assert rows["Work"].count == len(seconds)
    assert rows["Work"].total_time == pytest.approx(sum(seconds) / 1000)
    assert rows["Work"].avg_time == pytest.approx(sum(seconds) / 1000 / len(seconds))
    assert rows["Add"].count == len(seconds) and rows["Add"].total_time == 0.0
    assert sum(row.count for row in table) == len(prof.events) == 2 * len(seconds)
    assert table.total_time == pytest.approx(sum(e.duration for e in prof.events))
    assert prof.wall_time == pytest.approx((sum(seconds) + gap * len(seconds)) / 1000)
    text = table.table(row_limit=1)
    assert text.splitlines()[-1].split()[:3] == [
        "Total",
        str(2 * len(seconds)),
        f"{sum(seconds):.3f}",
    ]


@pytest.mark.points(2, hint="with group_by_input_shape, the key is (name, input shapes)")
def test_key_averages_group_by_input_shape():
    """Grouping by input shape separates calls of one operation on different shapes."""
    with Profiler() as prof:
        for n in (2, 3, 2):
            tt.ones(n, 4) @ tt.ones(4, 1)
    by_name = prof.key_averages()
    by_shape = prof.key_averages(group_by_input_shape=True)
    assert [(r.key, r.count) for r in by_name] == [("MatMul", 3)]
    assert [(r.input_shapes, r.count) for r in by_shape] == [
        (((2, 4), (4, 1)), 2),
        (((3, 4), (4, 1)), 1),
    ]
    assert np.isclose(by_name.total_time, by_shape.total_time)
