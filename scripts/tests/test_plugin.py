"""The grading plugin, run on throwaway test folders in a real pytest subprocess."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CONFTEST = f"""
import sys
sys.path.insert(0, {str(ROOT / "shared")!r})
TINYTORCH_STAGE = 2
pytest_plugins = ["tinytorch_testing.plugin"]
"""

GRADED = '''
import numpy as np
import pytest
from hypothesis import given, strategies as st


@pytest.mark.points(3, hint="compare with the definition")
def test_pass():
    """Passes."""


@pytest.mark.points(2)
@given(st.integers(0, 100))
def test_hypothesis_failure(n):
    """Fails for big numbers."""
    assert n < 10


@pytest.mark.points(1)
@pytest.mark.parametrize("k", [1, 2])
def test_param(k):
    """Two cases."""
    assert k == 1
'''

EARLIER = '''
import pytest


@pytest.mark.points(1)
def test_earlier():
    """Still works."""


@pytest.mark.points(5)
@pytest.mark.milestone
def test_earlier_milestone():
    """Slow; graded in its own stage only."""
    raise AssertionError("must not run here")
'''


def make_stage(tmp_path: Path, graded: str = GRADED) -> Path:
    (tmp_path / "tests/stage_02").mkdir(parents=True)
    (tmp_path / "tests/stage_01").mkdir(parents=True)
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "tests/stage_02/test_graded.py").write_text(textwrap.dedent(graded))
    (tmp_path / "tests/stage_01/test_earlier.py").write_text(EARLIER)
    return tmp_path


def run(folder: Path, *args: str) -> tuple[subprocess.CompletedProcess, dict | None]:
    results = folder / "results.json"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", str(folder), "-q", "-p", "no:cacheprovider",
         "--import-mode=importlib", f"--results-json={results}", "--hypothesis-profile=ci",
         "--rootdir", str(folder), *args],
        capture_output=True, text=True, check=False, cwd=folder,
    )  # fmt: skip
    return proc, json.loads(results.read_text()) if results.exists() else None


def by_name(payload: dict) -> dict[str, dict]:
    return {t["nodeid"].split("::", 1)[1]: t for t in payload["tests"]}


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_results_record_outcomes_points_hints_and_examples(tmp_path, workers):
    proc, payload = run(make_stage(tmp_path), *workers)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    tests = by_name(payload)
    assert payload["graded_stage"] == 2
    assert set(tests) == {
        "test_pass", "test_hypothesis_failure", "test_param[1]", "test_param[2]", "test_earlier",
    }  # fmt: skip
    assert tests["test_pass"] | {"duration": 0} == tests["test_pass"] | {
        "duration": 0, "outcome": "passed", "points": 3, "hint": "compare with the definition",
        "doc": "Passes.", "stage": 2, "milestone": False,
    }  # fmt: skip
    failure = tests["test_hypothesis_failure"]
    assert failure["outcome"] == "failed" and failure["points"] == 2
    assert failure["message"] == "assert 10 < 10"
    assert re.match(
        r"(Falsifying example|Failing test case): test_hypothesis_failure\(",
        failure["falsifying_example"],
    )
    assert "n=10" in failure["falsifying_example"]
    assert [tests["test_param[1]"]["outcome"], tests["test_param[2]"]["outcome"]] == [
        "passed",
        "failed",
    ]
    assert tests["test_earlier"]["stage"] == 1


def test_a_graded_test_without_points_is_a_usage_error(tmp_path):
    proc, _ = run(make_stage(tmp_path, "def test_unmarked():\n    pass\n"))
    assert proc.returncode == 4
    assert "must declare its points" in proc.stdout + proc.stderr
    assert "test_unmarked" in proc.stdout + proc.stderr


def test_earlier_milestones_are_left_out_of_a_stage_run(tmp_path):
    proc, payload = run(make_stage(tmp_path))
    assert "test_earlier_milestone" not in by_name(payload)
    assert "1 deselected" in proc.stdout


def test_collection_errors_are_recorded_with_their_cause(tmp_path):
    folder = make_stage(tmp_path)
    (folder / "tests/stage_02/test_broken.py").write_text("import not_a_module_anywhere\n")
    proc, payload = run(folder)
    assert proc.returncode == 2
    (error,) = payload["collection_errors"]
    assert error["nodeid"].endswith("test_broken.py")
    assert "ModuleNotFoundError: No module named 'not_a_module_anywhere'" in error["message"]


def test_messages_keep_the_lines_that_explain_a_mismatch(tmp_path):
    graded = """
    import pytest


    @pytest.mark.points(1)
    def test_words():
        \"\"\"Needs the right words.\"\"\"
        with pytest.raises(ValueError, match="shapes .* differ"):
            raise ValueError("bad input")
    """
    _, payload = run(make_stage(tmp_path, graded))
    message = by_name(payload)["test_words"]["message"]
    assert message.startswith("AssertionError: Regex pattern did not match.")
    assert "shapes .* differ" in message and "bad input" in message


def test_regression_checks_run_fewer_hypothesis_examples_than_graded_tests(tmp_path):
    counting = """
    import pytest
    from hypothesis import given, strategies as st

    CALLS = []


    @pytest.mark.points(1)
    @given(st.integers(0, 10**9))
    def test_counted(n):
        \"\"\"Counts its examples.\"\"\"
        CALLS.append(n)
        with open({path!r}, "a") as log:
            log.write("x")
    """
    folder = make_stage(tmp_path)
    graded_log, earlier_log = tmp_path / "graded.log", tmp_path / "earlier.log"
    (folder / "tests/stage_02/test_graded.py").write_text(
        textwrap.dedent(counting.format(path=str(graded_log)))
    )
    (folder / "tests/stage_01/test_earlier.py").write_text(
        textwrap.dedent(counting.format(path=str(earlier_log)))
    )
    proc, _ = run(folder)
    assert proc.returncode == 0, proc.stdout
    assert len(graded_log.read_text()) == 25  # the ci profile, for the graded stage
    assert len(earlier_log.read_text()) == 10  # REGRESSION_EXAMPLES, for earlier stages


DRAWS = '''
import pytest
from hypothesis import given, strategies as st


@pytest.mark.points(2)
@given(st.data())
def test_draws(data):
    """Fails once the drawn numbers add up to 10 or more. Later sentences stay out of the table."""
    a = data.draw(st.integers(0, 10), label="a")
    b = data.draw(st.integers(0, 10))
    assert a + b < 10
'''


def test_draw_notes_come_with_the_minimal_example_and_the_whole_first_sentence(tmp_path):
    _, payload = run(make_stage(tmp_path, DRAWS))
    failure = by_name(payload)["test_draws"]
    example = failure["falsifying_example"]
    assert re.match(r"(Falsifying example|Failing test case): test_draws\(", example)
    assert re.search(r"^Draw 1 \(a\): \d+$", example, re.M)
    assert re.search(r"^Draw 2: \d+$", example, re.M)
    assert failure["doc"] == "Fails once the drawn numbers add up to 10 or more."


def test_first_sentence_spans_lines_and_ignores_dotted_names():
    from tinytorch_testing.plugin import first_sentence

    doc = """softmax(x, dim) equals exp(x) / sum(exp(x)) along dim, even for logits up
    to 1e4, as torch.softmax does. Then more."""
    assert first_sentence(doc) == (
        "softmax(x, dim) equals exp(x) / sum(exp(x)) along dim, even for logits up to 1e4, "
        "as torch.softmax does."
    )
    assert first_sentence("No full stop at all") == "No full stop at all"
    assert first_sentence(None) == ""
