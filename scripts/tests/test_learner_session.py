"""End to end, as a learner: a copy of the course, `nox -s stage-01`, the points, the exit code.

The session runs with --no-venv --no-install in this interpreter (which has the test
dependencies), so the test exercises the real noxfile, pytest plugin and grader without
building a virtualenv.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from build_stages import Generator

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = json.loads((ROOT / "ci/manifest.json").read_text())
STAGE = MANIFEST["stages"]["01"]


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A learner's checkout: everything a stage session needs, without solutions/."""
    for rel in ("noxfile.py", "pyproject.toml"):
        shutil.copy2(ROOT / rel, tmp_path / rel)
    for rel in ("ci", "shared", STAGE["dir"]):
        shutil.copytree(
            ROOT / rel, tmp_path / rel, ignore=shutil.ignore_patterns("__pycache__", ".grade")
        )
    return tmp_path


def run_session(course: Path, session: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "NO_COLOR": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "nox", "-s", session, "--no-venv", "--no-install"],
        cwd=course, env=env, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip


def grade_of(course: Path) -> dict:
    return json.loads((course / STAGE["dir"] / ".grade/grade.json").read_text())


def solve(course: Path) -> None:
    """Do the learner's work: write the reference solution of stage 01 into the stage package."""
    for rel, text in Generator(ROOT).solved_package(1).items():
        (course / STAGE["dir"] / rel).write_text(text, encoding="utf-8")


def test_untouched_stubs_score_zero_and_fail(course):
    proc = run_session(course, "stage-01")
    assert proc.returncode != 0
    grade = grade_of(course)
    assert (grade["points"], grade["max_points"], grade["complete"]) == (0, STAGE["points"], False)
    assert f"Stage 01 · Tensor: 0/{STAGE['points']} points" in proc.stdout
    assert "         implement " in proc.stdout  # one line per stub, nothing else
    assert "NotImplementedError" not in proc.stdout.split("points", 1)[1].split("Next:")[0]
    assert (course / STAGE["dir"] / ".grade/summary.md").is_file()
    assert json.loads((course / STAGE["dir"] / ".grade/badge.json").read_text())["color"] == "red"


def test_the_reference_solution_scores_full_points(course):
    solve(course)
    proc = run_session(course, "stage-01")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    grade = grade_of(course)
    assert grade["points"] == grade["max_points"] == STAGE["points"] > 0
    assert grade["complete"] and not grade["tampered"]
    assert "Stage 01 is complete" in proc.stdout


def test_editing_a_graded_test_is_reported_as_tampering(course):
    solve(course)
    test_file = sorted((course / STAGE["dir"] / "tests/stage_01").glob("test_*.py"))[0]
    test_file.write_text(test_file.read_text() + "\n# a harmless-looking edit\n")
    proc = run_session(course, "stage-01")
    assert proc.returncode != 0
    assert "Tests were modified" in proc.stdout
    assert f"modified: {STAGE['dir']}/tests/stage_01/{test_file.name}" in proc.stdout
    grade = grade_of(course)
    assert grade["tampered"] and grade["points"] == 0


def test_sessions_cover_all_stages_and_refuse_unready_ones(course):
    listing = subprocess.run(
        [sys.executable, "-m", "nox", "-l"], cwd=course, capture_output=True, text=True, check=True
    ).stdout
    for number in range(1, 21):
        assert f"- stage-{number:02d} -> " in listing
    for name in ("status", "check", "run", "carry"):
        assert f" {name} -> " in listing
    for name in ("sync", "lint", "tests", "verify", "stubs", "publish", "regrade", "bench"):
        assert f" {name} -> " not in listing  # a copy without solutions/ is a learner's
    unready = [key for key, entry in MANIFEST["stages"].items() if not entry["ready"]]
    if unready:
        proc = run_session(course, f"stage-{unready[-1]}")
        assert proc.returncode != 0
        assert "is not ready yet" in proc.stdout + proc.stderr
