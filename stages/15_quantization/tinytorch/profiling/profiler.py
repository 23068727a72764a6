"""An operation-level profiler: where does the time go, operation by operation?

``Profiler`` is a context manager in the spirit of ``torch.profiler.profile``::

    with Profiler() as prof:
        loss = model(x).sum()
        loss.backward()
    print(prof.key_averages().table(sort_by="total_time", row_limit=10))

While the block runs, every operation (every ``Function`` call, forward and backward) is
recorded as an event: its name, its input shapes and how long it took. ``key_averages()``
groups the events by name (and optionally by input shapes): how many calls, their total and
average time, and each one's share of the time spent in operations. The events' times add up
to the table's total; the block's wall time is longer, and the difference is the Python that
ran *between* operations (module calls, argument checks, the autograd engine's bookkeeping).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from tinytorch.function import Function
from tinytorch.profiling.observe import OpObserver, op_name

Shape = tuple[int, ...]


@dataclass(frozen=True)
class ProfilerEvent:
    """One operation call: its name (``MatMul``, ``MatMulBackward0``), input shapes, seconds."""

    name: str
    input_shapes: tuple[Shape, ...]
    duration: float


@dataclass
class EventAverage:
    """The events of one name (and, if grouped so, one set of input shapes) taken together."""

    key: str
    input_shapes: tuple[Shape, ...] | None
    count: int = 0
    total_time: float = 0.0

    @property
    def avg_time(self) -> float:
        return self.total_time / self.count


class EventList(list):
    """``key_averages()``'s result: a list of :class:`EventAverage` that prints as a table."""

    @property
    def total_time(self) -> float:
        """Seconds spent in all the operations listed."""
        return sum(row.total_time for row in self)

    def table(self, sort_by: str = "total_time", row_limit: int | None = None) -> str:
        """The rows as a text table, largest ``sort_by`` (``total_time``, ``count`` or
        ``avg_time``) first, with a final line giving the total over *all* rows."""
        if sort_by not in ("total_time", "count", "avg_time"):
            raise ValueError(
                f"sort_by must be 'total_time', 'count' or 'avg_time', got {sort_by!r}"
            )
        rows = sorted(self, key=lambda r: getattr(r, sort_by), reverse=True)[:row_limit]
        total = self.total_time
        shapes = any(r.input_shapes is not None for r in rows)
        header = f"{'Name':<28}{'# of Calls':>11}{'Total ms':>12}{'Avg ms':>12}{'% of ops':>10}"
        header += "  Input Shapes" if shapes else ""
        lines = [header, "-" * len(header)]
        for r in rows:
            share = 100.0 * r.total_time / total if total > 0 else 0.0
            line = (
                f"{r.key:<28}{r.count:>11}{r.total_time * 1e3:>12.3f}"
                f"{r.avg_time * 1e3:>12.3f}{share:>9.1f}%"
            )
            lines.append(line + (f"  {list(r.input_shapes)}" if shapes else ""))
        lines.append("-" * len(header))
        calls = sum(r.count for r in self)
        lines.append(f"{'Total':<28}{calls:>11}{total * 1e3:>12.3f}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()


class Profiler(OpObserver):
    """Record every operation run inside ``with``: name, input shapes and time.

    Args:
        clock: returns seconds (``time.perf_counter`` by default; tests inject a fake one).

    Attributes:
        events: the :class:`ProfilerEvent` of each call, in order.
        wall_time: seconds from entering to leaving the ``with`` block.
    """

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self.clock = clock
        self.events: list[ProfilerEvent] = []
        self.wall_time = 0.0
        self._start = 0.0
        self._shapes: tuple[Shape, ...] = ()

    def __enter__(self) -> Profiler:
        self.events = []
        self._block_start = self.clock()
        return super().__enter__()

    def __exit__(self, *exc_info) -> None:
        super().__exit__(*exc_info)
        self.wall_time = self.clock() - self._block_start

    def enter(self, fn: Function, phase: str, arrays) -> None:
        self._shapes = tuple(a.shape for a in arrays)
        self._start = self.clock()

    def exit(self, fn: Function, phase: str, result) -> None:
        duration = self.clock() - self._start
        self.events.append(ProfilerEvent(op_name(fn, phase), self._shapes, duration))
        super().exit(fn, phase, result)

    def key_averages(self, group_by_input_shape: bool = False) -> EventList:
        """The events grouped by name (and input shapes, if asked), in first-seen order."""
        groups: dict[tuple, EventAverage] = {}
        for event in self.events:
            shapes = event.input_shapes if group_by_input_shape else None
            row = groups.setdefault((event.name, shapes), EventAverage(event.name, shapes))
            row.count += 1
            row.total_time += event.duration
        return EventList(groups.values())
