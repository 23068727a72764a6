"""The graded run itself: filtered runs are not saved, the tampering scan, stale files."""

from __future__ import annotations

import grade as grader
import pytest
from minicourse import DIR, SOLVED, grade, grade_json, make_course


def test_a_filtered_run_shows_its_tests_but_keeps_the_saved_grade(tmp_path):
    course = make_course(tmp_path / "c")
    assert grade(course, "run", "01").returncode == 1
    saved = (course / DIR / ".grade/grade.json").read_text()
    badge = (course / DIR / ".grade/badge.json").read_text()
    (course / DIR / "tinytorch/__init__.py").write_text(SOLVED)
    proc = grade(course, "run", "01", "-k", "keeps_float32")
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "test_double.py::test_double_keeps_float32" in proc.stdout
    assert "test_double_of_an_array" not in proc.stdout.split("points")[-1]
    assert "its points are not saved" in proc.stdout
    assert (course / DIR / ".grade/grade.json").read_text() == saved
    assert (course / DIR / ".grade/badge.json").read_text() == badge
    by_path = grade(course, "run", "01", "tests/stage_01/test_double.py::test_double_of_a_number")
    assert by_path.returncode == 0 and "(A filtered run" in by_path.stdout
    assert grade_json(course)["points"] == 0
    full = grade(course, "run", "01")
    assert full.returncode == 0 and grade_json(course)["points"] == 5


def test_options_that_reconfigure_pytest_are_refused(tmp_path):
    course = make_course(tmp_path / "c")
    proc = grade(course, "run", "01", "-p", "evil")
    assert proc.returncode == 2 and "is not allowed in a graded run" in proc.stderr


@pytest.mark.parametrize(
    ("rel", "why"),
    [
        ("setup.cfg", "pytest or Python configuration"),
        ("tox.ini", "pytest or Python configuration"),
        ("evil.pth", "pytest or Python configuration"),
        ("stages/pytest.ini", "pytest or Python configuration"),
        (f"{DIR}/tinytorch/evil.pth", "Python configuration"),
        (f"{DIR}/sitecustomize.py", "shadows a module of the test machinery"),
        (f"{DIR}/json.py", "shadows a module of the test machinery"),
        (f"{DIR}/milestones/test_cheat.py", "test file outside tests/"),
        (f"{DIR}/tests/stage_01/conftest.py", "pytest configuration"),
        ("shared/tinytorch_testing/extra.py", "unknown file in shared/"),
    ],
)
def test_the_scan_reports_files_that_could_change_a_run(tmp_path, rel, why):
    course = make_course(tmp_path / "c")
    manifest = grader.load_manifest(course)
    assert grader.scan_for_tampering(course, manifest, "01") == []
    (course / rel).parent.mkdir(parents=True, exist_ok=True)
    (course / rel).write_text("")
    assert grader.scan_for_tampering(course, manifest, "01") == [f"{why}: {rel}"]


def test_a_learners_own_modules_in_the_stage_folder_are_fine(tmp_path):
    course = make_course(tmp_path / "c")
    (course / DIR / "scratch.py").write_text("print('trying things')\n")
    (course / DIR / "tinytorch/helpers.py").write_text("")
    assert grader.scan_for_tampering(course, grader.load_manifest(course), "01") == []
