"""Classroom partial credit, hidden tests, and the workflows that carry them."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from pathlib import Path

import grade as grader
import pytest
from minicourse import DIR, SOLVED, grade, grade_json, make_course
from publish import publish

ROOT = Path(__file__).resolve().parents[2]
HIDDEN = '''import pytest

import tinytorch


@pytest.mark.points(3)
def test_double_of_a_negative_number():
    """double(-4) == -8: a case the learner never saw."""
    assert tinytorch.double(-4) == -8
'''


def decode(output: str) -> dict:
    return json.loads(base64.b64decode(output.strip()))


def test_classroom_gets_each_tests_points(tmp_path):
    course = make_course(tmp_path / "c")
    init = course / DIR / "tinytorch/__init__.py"
    init.write_text(SOLVED.replace("return 2 * x", "return x + x if not isinstance(x, int) else 0"))
    grade(course, "run", "01")
    result = decode(grade(course, "classroom", "01").stdout)
    assert result["max_score"] == 5 and result["status"] == "fail"
    scores = {t["name"].split(": ", 1)[1]: t["score"] for t in result["tests"]}
    assert scores == {
        "test_double.py::test_double_keeps_float32": 1,
        "test_double.py::test_double_of_a_number[0]": 1,
        "test_double.py::test_double_of_a_number[5]": 0,
        "test_double.py::test_double_of_an_array": 2,
    }


def test_a_missing_or_tampered_grade_scores_zero():
    missing = grader.classroom_result(None, 59, "Stage 02 · Activations")
    assert missing["status"] == "error" and missing["max_score"] == 59
    assert sum(t["score"] for t in missing["tests"]) == 0
    tampered = {
        "complete": False, "tampered": True, "max_points": 6, "integrity_problems": ["added: x"],
        "tests": [{"name": "a", "outcome": "passed", "earned": 6, "message": ""}],
    }  # fmt: skip
    result = grader.classroom_result(tampered, 6, "Stage 02")
    assert sum(t["score"] for t in result["tests"]) == 0
    assert result["tests"][0]["status"] == "error" and "added: x" in result["tests"][0]["message"]


def test_hidden_tests_count_as_a_separate_line(tmp_path):
    course = make_course(tmp_path / "c", solved=True)
    hidden = tmp_path / "hidden"
    (hidden / "stage_01").mkdir(parents=True)
    (hidden / "stage_01/test_hidden.py").write_text(HIDDEN)
    proc = grade(course, "run", "01", "--hidden", str(hidden))
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "Hidden tests (not in your repository): 3/3 points" in proc.stdout
    saved = grade_json(course)
    assert saved["points"] == 5 and saved["hidden"]["points"] == saved["hidden"]["max_points"] == 3
    assert not (course / DIR / ".hidden_tests").exists()  # removed after the run
    result = decode(grade(course, "classroom", "01").stdout)
    assert result["max_score"] == 8
    assert (
        result["tests"][-1]["name"].endswith("hidden tests") and result["tests"][-1]["score"] == 3
    )


def test_hidden_tests_are_graded_in_a_pristine_checkout_too(tmp_path):
    learner = make_course(tmp_path / "learner")
    (learner / DIR / "tinytorch/__init__.py").write_text(SOLVED.replace("2 * x", "abs(2 * x)"))
    hidden = tmp_path / "hidden"
    (hidden / "stage_01").mkdir(parents=True)
    (hidden / "stage_01/test_hidden.py").write_text(HIDDEN)
    pristine = make_course(tmp_path / "pristine")
    proc = grade(pristine, "overlay", str(learner), "01", "--hidden", str(hidden))
    assert "Hidden tests (not in your repository): 0/3 points" in proc.stdout, proc.stdout[-2000:]
    assert grade_json(pristine)["points"] == 5


USES = re.compile(r"^\s*(?:-\s*)?uses:\s*(\S+)(.*)$", re.M)


def _workflows(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(folder.glob("*.yml"))}


@pytest.fixture(scope="module")
def trusted_publication(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("trusted")
    publish(ROOT, out, 2, "classroom", ("acme/course", "a" * 40, "acme/course-2027"))
    return out


def test_every_action_is_pinned_by_commit_with_its_version(trusted_publication):
    folders = [ROOT / ".github/workflows", trusted_publication / ".github/workflows"]
    for folder in folders:
        for name, text in _workflows(folder).items():
            for action, rest in USES.findall(text):
                assert re.search(r"@[0-9a-f]{40}$", action), f"{name}: {action} is not pinned"
                assert re.search(r"#\s*(v\d|the course)", rest), f"{name}: {action} lacks a version"
            assert "\nconcurrency:" in text or "workflow_call" in text, f"{name}: no concurrency"


def test_a_stage_reruns_when_the_grading_machinery_changes():
    text = (ROOT / ".github/workflows/stage-01.yml").read_text()
    for path in ("shared/**", "ci/**", "noxfile.py", "pyproject.toml"):
        assert f'      - "{path}"' in text


def test_trusted_classroom_calls_the_course_workflow_and_reports_every_stage(trusted_publication):
    text = (trusted_publication / ".github/workflows/classroom.yml").read_text()
    assert f"uses: acme/course/.github/workflows/trusted-grading.yml@{'a' * 40}" in text
    assert "template-repository: acme/course-2027" in text and 'stages: "01 02"' in text
    assert 'STAGE02_RESULTS: "${{ needs.grade.outputs.stage02 }}"' in text
    reusable = (ROOT / ".github/workflows/trusted-grading.yml").read_text()
    assert "ci/grade.py overlay ../learner" in reusable
    assert not (trusted_publication / ".github/workflows/trusted-grading.yml").exists()
    assert not (trusted_publication / ".github/workflows/verify.yml").exists()


@pytest.mark.skipif(
    shutil.which("actionlint") is None, reason="actionlint comes with the lint group"
)
def test_published_workflows_pass_actionlint(trusted_publication, tmp_path):
    self_study = tmp_path / "self"
    publish(ROOT, self_study, 2, "self-study")
    plain = tmp_path / "plain"
    publish(ROOT, plain, 2, "classroom")
    assert not (self_study / ".github/workflows/classroom.yml").exists()
    for repo in (trusted_publication, self_study, plain):
        files = sorted(str(p) for p in (repo / ".github/workflows").glob("*.yml"))
        proc = subprocess.run(["actionlint", *files], capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
