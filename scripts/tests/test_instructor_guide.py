"""The instructor guide's commands run as written (paths outside the repository redirected)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import regrade
from publish import main as publish_main

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs/instructor-guide.md"


def commands() -> list[str]:
    text = GUIDE.read_text()
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    return [
        line.split("  #")[0].strip()
        for block in blocks
        for line in block.splitlines()
        if line.strip()
    ]


def test_the_readme_links_the_guide():
    assert "(docs/instructor-guide.md)" in (ROOT / "README.md").read_text()


def test_every_nox_session_the_guide_names_exists():
    listing = subprocess.run(
        [sys.executable, "-m", "nox", "-l"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    for command in commands():
        if command.startswith("nox -s "):
            assert f" {command.split()[2]} -> " in listing, command


def test_the_publish_commands_run_as_written(tmp_path):
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    ran = 0
    for command in commands():
        if not command.startswith("nox -s publish -- "):
            continue
        command = command.replace('"$(git rev-parse HEAD)"', head)
        args = shlex.split(
            command.split(" -- ", 1)[1].replace("../tinytorch-learners", str(tmp_path / "learners"))
        )
        assert publish_main(args) == 0, command
        ran += 1
    assert ran >= 3
    log = subprocess.run(
        ["git", "-C", str(tmp_path / "learners"), "log", "--format=%s"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Release stage 02" in log and "Release stage 01" in log


def test_the_regrade_command_parses(monkeypatch):
    seen = {}
    monkeypatch.setattr(regrade, "regrade", lambda *args: seen.setdefault("args", args))
    for command in commands():
        if command.startswith("nox -s regrade -- "):
            assert regrade.main(shlex.split(command.split(" -- ", 1)[1])) == 0
    _root, submissions, stage, jobs, hidden, out, _timeout = seen["args"]
    assert (submissions.name, stage, jobs, hidden.name, out.name) == (
        "submissions",
        "03",
        2,
        "hidden-tests",
        "regrade-03",
    )


@pytest.mark.parametrize(
    "path", [".github/workflows/trusted-grading.yml", "scripts/regrade.py", "ci/carry.py"]
)
def test_files_the_guide_relies_on_exist(path):
    assert (ROOT / path).is_file()
