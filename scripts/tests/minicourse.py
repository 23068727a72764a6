"""A tiny generated course in a temporary folder, graded by the real grader, plugin and noxfile.

One stage, ``01_tiny``: ``tinytorch.double(x)`` stubbed, and three graded tests worth 5
points (one of them parametrized over two cases). Fast to run, so every attack on the grader
gets its own end-to-end test.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from course import Stage
from expected_tests import expected_tests
from templates import stage_conftest

ROOT = Path(__file__).resolve().parents[2]
STAGE = Stage(
    number=1, slug="tiny", title="Tiny", tier="foundation", hours=1.0, ready=True, points=5,
    summary="Double a number.", modules=("tinytorch/__init__.py",), milestones=(), systems=(),
)  # fmt: skip
DIR = "stages/01_tiny"
#: The grader, helpers and session files, as the real course lists them.
GRADING_FILES = sorted(json.loads((ROOT / "ci/manifest.json").read_text())["grading_files"])

STUB = '''"""A tiny package."""


def double(x):
    """Twice x."""
    raise NotImplementedError("stage 01: double: return 2 * x")
'''
SOLVED = STUB.replace('raise NotImplementedError("stage 01: double: return 2 * x")', "return 2 * x")

TESTS = '''import numpy as np
import pytest
from tinytorch_testing import assert_close

import tinytorch


@pytest.mark.points(2, hint="multiply by two")
def test_double_of_an_array():
    """double(x) equals 2 * x elementwise."""
    x = np.arange(3.0, dtype=np.float32)
    np.testing.assert_allclose(tinytorch.double(x), 2 * x)


@pytest.mark.points(1)
def test_double_keeps_float32():
    """double keeps float32 as float32."""
    x = np.ones(2, dtype=np.float32)
    assert_close(tinytorch.double(x), np.full(2, 2, dtype=np.float32))


@pytest.mark.points(1)
@pytest.mark.parametrize("value", [0, 5])
def test_double_of_a_number(value):
    """double(v) == 2 * v for Python ints."""
    assert tinytorch.double(value) == 2 * value
'''


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_manifest(root: Path) -> None:
    """ci/manifest.json for the course at ``root``, as the generator would write it."""
    folder = root / DIR
    protected = {
        path.relative_to(folder).as_posix(): sha256(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        and "__pycache__" not in path.parts
        and (
            (path.name == "conftest.py" and path.parent == folder)
            or path.parts[len(folder.parts)] == "tests"
        )
    }
    grading = {rel: sha256(root / rel) for rel in GRADING_FILES}
    tests = {}
    for path in sorted((folder / "tests/stage_01").glob("test_*.py")):
        tests.update(expected_tests(path, path.relative_to(folder).as_posix()))
    entry = {
        "number": 1, "slug": STAGE.slug, "title": STAGE.title, "dir": DIR, "points": 5,
        "ready": True, "protected": protected, "tests": tests,
    }  # fmt: skip
    manifest = {"schema": 1, "grading_files": grading, "stages": {"01": entry}, "generated": {}}
    (root / "ci/manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def make_course(root: Path, solved: bool = False) -> Path:
    """Write the tiny course into ``root`` and return ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for rel in GRADING_FILES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, root / rel)
    folder = root / DIR
    (folder / "tinytorch").mkdir(parents=True)
    (folder / "tests/stage_01").mkdir(parents=True)
    (folder / "conftest.py").write_text(stage_conftest(STAGE))
    (folder / "tinytorch/__init__.py").write_text(SOLVED if solved else STUB)
    (folder / "tests/stage_01/test_double.py").write_text(TESTS)
    write_manifest(root)
    return root


def grade(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """``python ci/grade.py ARGS`` in ``root`` with this interpreter (which has pytest)."""
    return subprocess.run(
        [sys.executable, "ci/grade.py", *args], cwd=root, capture_output=True, text=True,
        env={**os.environ, "NO_COLOR": "1", **(env or {})}, check=False, timeout=300,
    )  # fmt: skip


def grade_json(root: Path) -> dict:
    return json.loads((root / DIR / ".grade/grade.json").read_text())
