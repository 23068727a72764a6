"""The invariant checker on a two-stage course in a temporary folder, including the two ways a
course went wrong unnoticed before invariant 3 (issue 13): a backward block that forgot its
``stage=`` marker, and a test that needs a later stage's engine."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import build_stages
import invariants
import pytest

ROOT = Path(__file__).resolve().parents[2]

MANIFEST = """
[[stage]]
number = 1
slug = "ops"
title = "Ops"
tier = "foundation"
hours = 1
ready = true
points = {points_1}
summary = "Forward rules."
modules = ["tinytorch/__init__.py", "tinytorch/ops.py"]
milestones = []

[[stage]]
number = 2
slug = "grad"
title = "Grad"
tier = "foundation"
hours = 1
ready = true
points = 2
summary = "The engine."
modules = ["tinytorch/engine.py"]
milestones = []
"""

INIT = """\
from tinytorch.ops import Square

# BEGIN REVEAL stage=02
from tinytorch.engine import grad

# END REVEAL
"""

OPS = """\
class Square:
    \"\"\"x squared, with its derivative.\"\"\"

    def forward(self, x):
        \"\"\"x times x.\"\"\"
        # BEGIN SOLUTION
        # TODO: return x times x.
        return x * x
        # END SOLUTION

    def backward(self, x, grad):
        \"\"\"The gradient of x squared, times the incoming grad.\"\"\"
        # BEGIN SOLUTION stage=02
        # TODO: return 2 x grad.
        return 2 * x * grad
        # END SOLUTION
"""

ENGINE = """\
def grad(op, x):
    \"\"\"d op(x) / dx at x.\"\"\"
    # BEGIN SOLUTION
    # TODO: run the forward, then the backward with an incoming gradient of 1.
    op.forward(x)
    return op.backward(x, 1.0)
    # END SOLUTION
"""

TEST_1 = """\
import pytest

from tinytorch import Square


@pytest.mark.points(1, hint="x * x")
def test_forward():
    \"\"\"Square.forward squares.\"\"\"
    assert Square().forward(3.0) == 9.0
"""

#: A stage-01 test that needs stage 02's backward: on the stage-01 stubs it still fails on
#: stage 01's own forward stub, so only the solved stage shows that no learner can pass it.
TEST_1_NEEDS_STAGE_2 = """

@pytest.mark.points(1, hint="2 x")
def test_forward_and_derivative():
    \"\"\"Square.forward squares and Square.backward gives 2x.\"\"\"
    op = Square()
    assert op.forward(3.0) == 9.0
    assert op.backward(3.0, 1.0) == 6.0
"""

TEST_2 = """\
import pytest

from tinytorch import Square, grad


@pytest.mark.points(2, hint="chain rule")
def test_grad():
    \"\"\"grad gives the derivative of x squared.\"\"\"
    assert grad(Square(), 3.0) == 6.0
"""


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """The two-stage course, with the real grading plugin, grader and pytest settings."""
    files = {
        "solutions/stages.toml": MANIFEST.format(points_1=1),
        "solutions/tinytorch/__init__.py": INIT,
        "solutions/tinytorch/ops.py": OPS,
        "solutions/tinytorch/engine.py": ENGINE,
        "solutions/tests/stage_01/test_ops.py": TEST_1,
        "solutions/tests/stage_02/test_engine.py": TEST_2,
        "solutions/docs/01_ops.md": "Forward rules.\n",
        "solutions/docs/02_grad.md": "The engine.\n",
        "README.md": f"# Course\n\n{build_stages.README_BEGIN}\n{build_stages.README_END}\n",
    }
    for rel, text in files.items():
        write(tmp_path, rel, text)
    for rel in (
        "pyproject.toml",
        "noxfile.py",
        "ci/grade.py",
        "ci/stub_format.py",
        "solutions/conftest.py",
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, tmp_path / rel)
    shutil.copytree(
        ROOT / "shared", tmp_path / "shared", ignore=shutil.ignore_patterns("__pycache__")
    )
    return tmp_path


def generate(course: Path) -> None:
    assert build_stages.main(["--root", str(course)]) == 0


def check(course: Path, *args: str) -> int:
    return invariants.main(["--root", str(course), *args])


def test_a_sound_course_holds_all_three_invariants(course, capsys):
    generate(course)
    assert check(course, "reference") == 0
    assert check(course, "stubs") == 0
    out = capsys.readouterr().out
    assert "ok   stage 01 Ops: 1 graded tests fail on their stubs" in out
    assert "solved, 2 of 2 tests pass and its tests reach 2 of 2 stubs" in out  # stage 02


def test_a_backward_missing_its_stage_marker_is_an_unreached_stub_even_in_one_stage(course, capsys):
    """Dropping stage=02 makes the backward stage-01 work no stage-01 test runs."""
    write(course, "solutions/tinytorch/ops.py", OPS.replace("SOLUTION stage=02", "SOLUTION"))
    generate(course)
    assert check(course, "stubs", "--stage", "1") == 1
    out = capsys.readouterr().out
    assert "FAIL stage 01 Ops" in out
    assert (
        "stub never reached by a stage-01 test: solutions/tinytorch/ops.py:13 Square.backward"
        in out
    )


def test_a_test_that_needs_a_later_stage_fails_invariant_3_even_in_one_stage(course, capsys):
    """On its stubs the test fails on stage 01's own forward stub; solved, it needs stage 02."""
    write(course, "solutions/stages.toml", MANIFEST.format(points_1=2))
    write(course, "solutions/tests/stage_01/test_ops.py", TEST_1 + TEST_1_NEEDS_STAGE_2)
    generate(course)
    assert check(course, "stubs", "--stage", "1") == 1
    out = capsys.readouterr().out
    assert "1 graded tests" not in out and "2 graded tests fail on their stubs" in out
    assert (
        "stage_01/test_ops.py::test_forward_and_derivative needs stage 02: it stops at "
        "Square.backward, which arrives in stage 02" in out
    )


def test_a_graded_test_must_fail_on_its_own_stages_stub_not_on_any_not_implemented(course, capsys):
    """Calling the backward first, this stage-01 test dies on stage 02's stub on the stubs."""
    backward_first = TEST_1_NEEDS_STAGE_2.replace(
        "    assert op.forward(3.0) == 9.0\n    assert op.backward(3.0, 1.0) == 6.0\n",
        "    assert op.backward(3.0, 1.0) == 6.0\n    assert op.forward(3.0) == 9.0\n",
    )
    write(course, "solutions/stages.toml", MANIFEST.format(points_1=2))
    write(course, "solutions/tests/stage_01/test_ops.py", TEST_1 + backward_first)
    generate(course)
    assert check(course, "stubs", "--stage", "1") == 1
    out = capsys.readouterr().out
    assert (
        "graded test stage_01/test_ops.py::test_forward_and_derivative stops at Square.backward, "
        "which is stage 02's work, not a stub of stage 01" in out
    )


def test_generation_refuses_points_that_do_not_add_up_before_writing_anything(course, capsys):
    write(course, "solutions/stages.toml", MANIFEST.format(points_1=3))
    assert build_stages.main(["--root", str(course)]) == 2
    err = capsys.readouterr().err
    assert "stage 01: its tests carry 1 points (each parametrized case counts)" in err
    assert "points = 3" in err
    assert not (course / "stages").exists()
    assert not (course / ".github/workflows/classroom.yml").exists()


def test_generation_refuses_a_graded_test_the_grader_would_not_expect(course, capsys):
    """A graded test pytest collects but the generator's list misses (here a method of a test
    class) would never be scored: generation stops before anything is written."""
    write(
        course,
        "solutions/tests/stage_01/test_ops.py",
        TEST_1.replace("@pytest.mark.points(1", "class TestSquare:\n    @pytest.mark.points(1")
        .replace("def test_forward():", "    def test_forward(self):")
        .replace('    """Square.forward squares."""', '        """Square.forward squares."""')
        .replace("    assert Square()", "        assert Square()"),
    )
    assert build_stages.main(["--root", str(course)]) == 2
    err = capsys.readouterr().err
    assert (
        "tests/stage_01/test_ops.py::TestSquare::test_forward: the generator reads no such test"
        in err
    )
    assert not (course / "stages").exists()
