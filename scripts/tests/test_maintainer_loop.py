"""What a course maintainer sees: --check says why each file is out of date, and a broken
ci/manifest.json (a merge conflict) gives a message and a recovery command, not a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import build_stages
import grade as grader
import pytest
from test_generator import course, write  # noqa: F401  (the small course fixture)

ROOT = Path(__file__).resolve().parents[2]
CONFLICT = '<<<<<<< HEAD\n{"schema": 1}\n=======\n{"schema": 2}\n>>>>>>> other\n'


def test_check_says_edited_by_hand_and_names_the_grading_file_behind_a_stale_manifest(
    course,  # noqa: F811
    capsys,
):
    assert build_stages.main(["--root", str(course)]) == 0
    readme = course / "stages/01_core/README.md"
    readme.write_text(readme.read_text() + "a note\n")
    (course / "ci/grade.py").write_text("# grader, edited\n")
    capsys.readouterr()
    assert build_stages.main(["--root", str(course), "--check"]) == 1
    report = capsys.readouterr().err
    assert "edited by hand: stages/01_core/README.md" in report
    assert "stale   ci/manifest.json (grading files changed: ci/grade.py)" in report


def test_the_generator_explains_an_unreadable_manifest(course, capsys):  # noqa: F811
    assert build_stages.main(["--root", str(course)]) == 0
    write(course, "solutions/tinytorch/core.py", "def double(x):\n    return 2 * x\n")
    (course / "ci/manifest.json").write_text(CONFLICT)
    capsys.readouterr()
    assert build_stages.main(["--root", str(course)]) == 2
    err = capsys.readouterr().err
    assert "ci/manifest.json: not valid JSON" in err and "a merge conflict?" in err
    assert "git checkout --ours ci/manifest.json" in err and "Traceback" not in err


def test_the_grader_explains_an_unreadable_manifest(tmp_path):
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci/manifest.json").write_text(CONFLICT)
    with pytest.raises(SystemExit) as info:
        grader.load_manifest(tmp_path)
    message = str(info.value)
    assert "ci/manifest.json is not valid JSON" in message
    assert "python scripts/build_stages.py" in message


def test_a_broken_manifest_breaks_no_session_listing_and_stage_sessions_explain_it(tmp_path):
    for rel in ("noxfile.py", "pyproject.toml"):
        shutil.copy2(ROOT / rel, tmp_path / rel)
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci/manifest.json").write_text(CONFLICT)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}

    def nox(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "nox", *args], cwd=tmp_path, env=env,
            capture_output=True, text=True, check=False, timeout=300,
        )  # fmt: skip

    listing = nox("-l")
    assert listing.returncode == 0 and "stage-01" in listing.stdout and "verify" in listing.stdout
    stage = nox("-s", "stage-01", "--no-venv", "--no-install")
    assert stage.returncode != 0
    output = stage.stdout + stage.stderr
    assert "ci/manifest.json is not valid JSON" in output and "Traceback" not in output
    assert "git checkout --ours ci/manifest.json && python scripts/build_stages.py" in output
