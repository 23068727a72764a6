"""Time budgets of a stage run: a failing run must not take much longer than a passing one.

Two things can make a learner wait for minutes on a bug:

- a test that never ends, e.g. a backward pass that runs once per *path* through the graph
  (2**40 paths in ``y = y + y`` repeated 40 times) instead of once per node. Every graded
  test gets a limit on the CPU time it may use, sized to its work: :data:`TEST_SECONDS`
  (the reference needs well under a second for any of them), :data:`MILESTONE_SECONDS` for
  a milestone's training run, or its own ``@pytest.mark.time_limit(seconds, means="...")``,
  where ``means`` says what running out of time most likely means. The test then fails with
  "took more than 5 s of CPU time: backward visits nodes more than once?".
  CPU time, not wall time: a busy shared machine slows a test down but does not make it
  use more CPU, so the limit does not fire on a correct solution under load. The limit
  interrupts the test with an exception Hypothesis does not catch, so a timed-out property
  test is not shrunk (each shrinking attempt would take just as long). pytest-timeout's
  wall-clock limit (pyproject.toml) stays as the last resort, e.g. for a test that blocks.
- Hypothesis shrinking a failing example for a long time. Shrinking finds the *smallest*
  input that still fails, which is what a learner wants to read, but each attempt re-runs
  the test. Each test may shrink for at most :data:`SHRINK_SECONDS`, and all the tests of
  one run (one process) together for at most :data:`SHRINK_SECONDS_PER_RUN`; after that a
  failing test reports the smallest example found so far.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time

import pytest

#: CPU seconds a graded test may use unless it says otherwise with @pytest.mark.time_limit.
TEST_SECONDS = 20.0
#: CPU seconds of a milestone test (a training run that must reach its target accuracy).
MILESTONE_SECONDS = 120.0
#: What running out of time means when a test does not say more.
DEFAULT_MEANING = (
    "an endless loop, or work that grows exponentially (e.g. a backward pass that runs once "
    "per path through the graph instead of once per node)?"
)
#: Longest a single failing Hypothesis test may shrink its example (seconds).
SHRINK_SECONDS = 3.0
#: Longest all failing Hypothesis tests of one run may shrink together (seconds).
SHRINK_SECONDS_PER_RUN = 8.0
#: Even when the run's budget is spent, a failing test shrinks this long (a rough minimal
#: example beats none).
SHRINK_SECONDS_MIN = 0.5

_CAN_LIMIT_CPU = hasattr(signal, "setitimer") and hasattr(signal, "SIGPROF")


class TimeLimitExceeded(BaseException):
    """Raised inside a test that used up its CPU time. A BaseException, so that neither the
    test's own ``except Exception`` nor Hypothesis (which would shrink) catches it."""


def _shrink_limit_module():
    """Hypothesis's engine module, whose MAX_SHRINKING_SECONDS bounds one test's shrinking
    (Hypothesis keeps it monkeypatchable for this purpose), or None if it has moved."""
    try:
        from hypothesis.internal.conjecture import engine
    except ImportError:  # pragma: no cover - a future Hypothesis
        return None
    return engine if hasattr(engine, "MAX_SHRINKING_SECONDS") else None


def time_limit_of(item: pytest.Item) -> tuple[float, str] | None:
    """The CPU-time limit of a graded test and what exceeding it means (None: ungraded)."""
    if item.get_closest_marker("points") is None:
        return None
    marker = item.get_closest_marker("time_limit")
    if marker is not None:
        seconds = marker.args[0] if marker.args else marker.kwargs["seconds"]
        return float(seconds), marker.kwargs.get("means") or DEFAULT_MEANING
    milestone = item.get_closest_marker("milestone") is not None
    return (MILESTONE_SECONDS if milestone else TEST_SECONDS), DEFAULT_MEANING


class Budget:
    """pytest plugin: per-test CPU-time limits and the Hypothesis shrinking budget."""

    def __init__(self) -> None:
        self.shrink_left = SHRINK_SECONDS_PER_RUN
        self.engine = _shrink_limit_module()

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item):
        is_property = hasattr(getattr(item, "obj", None), "hypothesis")
        shrink = _ShrinkBudget(self) if is_property and self.engine is not None else None
        with _CpuLimit(time_limit_of(item)), shrink or contextlib.nullcontext():
            return (yield)


class _CpuLimit:
    """Interrupt the test with TimeLimitExceeded once it has used ``limit`` CPU seconds."""

    def __init__(self, limit: tuple[float, str] | None) -> None:
        main = threading.current_thread() is threading.main_thread()
        self.limit = limit if _CAN_LIMIT_CPU and main else None

    def __enter__(self) -> None:
        if self.limit is not None:
            self.previous = signal.signal(signal.SIGPROF, self._expired)
            signal.setitimer(signal.ITIMER_PROF, self.limit[0])

    @staticmethod
    def _expired(signum, frame) -> None:
        raise TimeLimitExceeded

    def __exit__(self, kind, error, traceback) -> None:
        if self.limit is None:
            return
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, self.previous)
        if isinstance(error, TimeLimitExceeded):
            seconds, meaning = self.limit
            raise pytest.fail.Exception(
                f"took more than {seconds:g} s of CPU time: {meaning}"
            ) from error  # the traceback shows where the test was when time ran out


class _ShrinkBudget:
    """Bound one property test's shrinking by what is left of the run's budget."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget

    def __enter__(self) -> None:
        budget = self.budget
        self.limit = max(SHRINK_SECONDS_MIN, min(SHRINK_SECONDS, budget.shrink_left))
        self.previous = budget.engine.MAX_SHRINKING_SECONDS
        budget.engine.MAX_SHRINKING_SECONDS = self.limit
        self.started = time.perf_counter()

    def __exit__(self, kind, error, traceback) -> None:
        self.budget.engine.MAX_SHRINKING_SECONDS = self.previous
        if error is not None:  # a failing test spent (at most) its limit shrinking
            self.budget.shrink_left -= min(self.limit, time.perf_counter() - self.started)
