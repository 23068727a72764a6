"""`nox -s regrade`: a folder of learner repositories graded with the course's own tests."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from build_stages import Generator
from publish import publish

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = json.loads((ROOT / "ci/manifest.json").read_text())
ONE = MANIFEST["stages"]["01"]
HIDDEN = '''import pytest

import tinytorch as tt


@pytest.mark.points(4)
def test_hidden_sum_of_ones():
    """tt.ones(3).sum() is 3: a hidden check."""
    assert float(tt.ones(3).sum().item()) == 3.0
'''


def test_regrade_grades_every_repository_with_the_pristine_tests(tmp_path):
    template = tmp_path / "template"
    publish(ROOT, template, 1, "classroom")
    submissions = tmp_path / "submissions"
    repos = {}
    for name in ("stubbed", "solved", "cheater", "hangs"):
        repos[name] = submissions / f"tinytorch-2027-{name}"
        subprocess.run(
            ["git", "clone", "-q", str(template), str(repos[name])], check=True, capture_output=True
        )
    package = repos["solved"] / ONE["dir"]
    for rel, text in Generator(ROOT).solved_package(1).items():
        (package / rel).write_text(text)
    # the cheater: every graded test made trivial, hashes "fixed", the workflow's command replaced
    for path in (repos["cheater"] / ONE["dir"] / "tests/stage_01").glob("test_*.py"):
        path.write_text(
            "import pytest\n\n\n@pytest.mark.points(151)\ndef test_all():\n    '''All.'''\n"
        )
    (repos["cheater"] / ".github/workflows/classroom.yml").write_text("on: push\n")
    (repos["hangs"] / ONE["dir"] / "tinytorch/__init__.py").write_text(
        "import time\ntime.sleep(600)\n"
    )
    hidden = tmp_path / "hidden"
    (hidden / "stage_01").mkdir(parents=True)
    (hidden / "stage_01/test_hidden.py").write_text(HIDDEN)
    before = {p: p.read_bytes() for p in submissions.rglob("*") if p.is_file()}

    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "scripts/regrade.py", str(submissions), "--stage", "01", "--jobs", "2",
         "--hidden", str(hidden), "--out", str(out), "--timeout", "60"],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=900,
        env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "[4/4]" in proc.stdout  # progress, one line per graded run
    rows = {r["learner"]: r for r in csv.DictReader((out / "grades.csv").open())}
    assert sorted(rows) == ["cheater", "hangs", "solved", "stubbed"]
    full = str(ONE["points"])
    assert (rows["solved"]["points"], rows["solved"]["max"], rows["solved"]["hidden"]) == (
        full,
        full,
        "4",
    )
    assert rows["solved"]["failed_tests"] == "" and rows["solved"]["tampered"] == "no"
    assert rows["stubbed"]["points"] == "0" and rows["stubbed"]["hidden"] == "0"
    assert "test_tensor.py::" in rows["stubbed"]["failed_tests"]
    assert rows["cheater"]["points"] == "0"
    assert "tests/stage_01/" in rows["cheater"]["replaced"]
    assert rows["hangs"]["points"] == "0" and "60 s" in rows["hangs"]["problems"]
    commit = subprocess.run(
        ["git", "-C", str(repos["solved"]), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert rows["solved"]["commit"] == commit
    summary = (out / "summary.md").read_text()
    assert f"| solved | {full}/{full} (+4/4 hidden) |" in summary
    assert "## Needs a look" in summary and "hangs" in summary
    after = {p: p.read_bytes() for p in submissions.rglob("*") if p.is_file()}
    assert after == before  # the learners' files were only read
