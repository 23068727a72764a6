"""Time budgets of a stage run (tinytorch_testing.budget): CPU-time limits per graded test,
with a message saying what running out of time means, and a bounded Hypothesis shrink."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tinytorch_testing import budget

ROOT = Path(__file__).resolve().parents[2]

CONFTEST = f"""
import sys
sys.path.insert(0, {str(ROOT / "shared")!r})
TINYTORCH_STAGE = 1
pytest_plugins = ["tinytorch_testing.plugin"]
"""


def run_stage(tmp_path: Path, tests: str) -> tuple[dict, float]:
    """Run a throwaway stage-01 test file through the grading plugin; results and seconds."""
    (tmp_path / "tests/stage_01").mkdir(parents=True)
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "tests/stage_01/test_it.py").write_text(textwrap.dedent(tests))
    results = tmp_path / "results.json"
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "pytest", str(tmp_path), "-q", "-p", "no:cacheprovider",
         "--import-mode=importlib", f"--results-json={results}", "--hypothesis-profile=ci",
         "--rootdir", str(tmp_path)],
        capture_output=True, text=True, check=False, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    seconds = time.monotonic() - started
    return {
        t["nodeid"].split("::")[-1]: t for t in json.loads(results.read_text())["tests"]
    }, seconds


def test_a_test_that_runs_out_of_cpu_time_fails_with_what_that_means(tmp_path):
    tests, _ = run_stage(
        tmp_path,
        '''
        import pytest

        @pytest.mark.points(1)
        @pytest.mark.time_limit(0.5, means="backward visits nodes more than once?")
        def test_endless():
            """Never ends."""
            while True:
                pass

        @pytest.mark.points(1)
        @pytest.mark.time_limit(0.5)
        def test_endless_default_meaning():
            """Never ends either."""
            n = 0
            while True:
                n += 1

        @pytest.mark.points(1)
        @pytest.mark.time_limit(5)
        def test_quick():
            """Well within its limit."""
            assert sum(range(1000)) == 499500
        ''',
    )
    endless = tests["test_endless"]
    assert endless["outcome"] == "failed"
    assert (
        "took more than 0.5 s of CPU time: backward visits nodes more than once?"
        in (endless["message"])
    )
    assert "exponentially" in tests["test_endless_default_meaning"]["message"]
    assert tests["test_quick"]["outcome"] == "passed"


def test_a_property_test_that_runs_out_of_time_is_not_shrunk(tmp_path):
    tests, seconds = run_stage(
        tmp_path,
        '''
        import pytest
        from hypothesis import given, strategies as st

        @pytest.mark.points(1)
        @pytest.mark.time_limit(0.5)
        @given(st.lists(st.integers(), min_size=3))
        def test_hangs_on_long_lists(values):
            """Hangs for every input: each shrink attempt would hang too."""
            while True:
                pass
        ''',
    )
    assert tests["test_hangs_on_long_lists"]["outcome"] == "failed"
    assert "took more than 0.5 s of CPU time" in tests["test_hangs_on_long_lists"]["message"]
    assert seconds < 60, "shrinking a timed-out example would repeat the timeout"


class Mark:
    def __init__(self, name, *args, **kwargs):
        self.name, self.args, self.kwargs = name, args, kwargs


class Item:
    def __init__(self, *markers):
        self.markers = {m.name: m for m in markers}

    def get_closest_marker(self, name):
        return self.markers.get(name)


def test_graded_tests_get_limits_sized_to_their_work():
    points, milestone = Mark("points", 1), Mark("milestone")
    assert budget.time_limit_of(Item()) is None  # not graded: pytest-timeout's limit only
    assert budget.time_limit_of(Item(points)) == (budget.TEST_SECONDS, budget.DEFAULT_MEANING)
    assert budget.time_limit_of(Item(points, milestone))[0] == budget.MILESTONE_SECONDS
    own = Mark("time_limit", 5, means="why")
    assert budget.time_limit_of(Item(points, own)) == (5.0, "why")


SLOW_SHRINK = '''
import time
import pytest
from hypothesis import given, strategies as st

@pytest.mark.points(1)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=50))
def test_slow_to_shrink_{n}(values):
    """Fails on most inputs; every call is slow, so shrinking takes long."""
    time.sleep(0.02)
    assert sum(values) < 0.5
'''


def test_shrinking_is_bounded_per_test_and_per_run(tmp_path):
    source = "".join(SLOW_SHRINK.format(n=n) for n in range(4))
    tests, seconds = run_stage(tmp_path, source)
    assert all(t["outcome"] == "failed" for t in tests.values()), tests
    assert all(t["falsifying_example"] for t in tests.values()), "a shrunk example is reported"
    # four failing tests, each limited to SHRINK_SECONDS and all to SHRINK_SECONDS_PER_RUN
    # (plus the run's own start-up and each test's generation phase)
    assert seconds < budget.SHRINK_SECONDS_PER_RUN + 4 * budget.SHRINK_SECONDS_MIN + 30


def test_the_shrink_limit_is_restored_after_each_test():
    from hypothesis.internal.conjecture import engine

    assert budget._shrink_limit_module() is engine
    before = engine.MAX_SHRINKING_SECONDS
    plugin = budget.Budget()
    with budget._ShrinkBudget(plugin):
        assert engine.MAX_SHRINKING_SECONDS == budget.SHRINK_SECONDS
    assert before == engine.MAX_SHRINKING_SECONDS
    with pytest.raises(AssertionError), budget._ShrinkBudget(plugin):
        raise AssertionError
    assert plugin.shrink_left < budget.SHRINK_SECONDS_PER_RUN
    assert before == engine.MAX_SHRINKING_SECONDS
