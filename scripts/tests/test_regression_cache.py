"""Local stage runs skip an earlier stage's check when nothing it runs changed since it last
passed (tinytorch_testing.regression); CI and TINYTORCH_FULL_RUN=1 run every check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CONFTEST = f"""
import sys
from pathlib import Path
sys.path.insert(0, {str(ROOT / "shared")!r})
sys.path.insert(0, str(Path(__file__).parent))
TINYTORCH_STAGE = 2
pytest_plugins = ["tinytorch_testing.plugin"]
"""

EARLIER = '''
import pytest
from tinytorch import ops

@pytest.mark.points(1)
def test_double():
    """Uses ops.double only."""
    assert ops.double(2) == 4

@pytest.mark.points(1)
def test_other():
    """Uses nothing of the package."""
'''

GRADED = '''
import pytest
from tinytorch import layer

@pytest.mark.points(1)
def test_layer():
    """The stage's own work."""
    assert layer.triple(2) == 6
'''


def make_stage(tmp_path: Path) -> Path:
    for rel, text in {
        "conftest.py": CONFTEST,
        "tinytorch/__init__.py": "from tinytorch import layer, ops\n",
        "tinytorch/ops.py": "def double(x):\n    return 2 * x\n",
        "tinytorch/layer.py": "def triple(x):\n    return 3 * x\n",
        "tests/stage_01/test_earlier.py": EARLIER,
        "tests/stage_02/test_graded.py": GRADED,
    }.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def run(folder: Path, **env: str) -> list[str]:
    """The node names of the tests that ran (their outcomes must be passes)."""
    results = folder / ".grade/results.json"
    environment = {k: v for k, v in os.environ.items() if k not in ("CI", "TINYTORCH_FULL_RUN")}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", str(folder), "-q", "-p", "no:cacheprovider",
         "--import-mode=importlib", f"--results-json={results}", "--hypothesis-profile=ci",
         f"--regression-cache={folder / '.grade/regression-cache.json'}",
         "--rootdir", str(folder)],
        capture_output=True, text=True, check=False, cwd=folder, env={**environment, **env},
    )  # fmt: skip
    tests = json.loads(results.read_text())["tests"]
    assert all(t["outcome"] == "passed" for t in tests), proc.stdout
    return sorted(t["nodeid"].split("::")[-1] for t in tests)


def test_unchanged_checks_are_skipped_and_changed_code_runs_them_again(tmp_path):
    folder = make_stage(tmp_path)
    everything = ["test_double", "test_layer", "test_other"]
    assert run(folder) == everything  # no cache yet: everything runs, and is recorded
    assert run(folder) == ["test_layer"]  # the graded stage's tests always run
    # editing the stage's own module does not touch the earlier checks
    (folder / "tinytorch/layer.py").write_text("def triple(x):\n    return x * 3\n")
    assert run(folder) == ["test_layer"]
    # editing a function an earlier check runs re-runs that check only
    (folder / "tinytorch/ops.py").write_text("def double(x):\n    return x + x\n")
    assert run(folder) == ["test_double", "test_layer"]
    assert run(folder) == ["test_layer"]
    # a change outside function bodies (here a new module-level name) re-runs every check
    (folder / "tinytorch/layer.py").write_text("SCALE = 3\n\n\ndef triple(x):\n    return x * 3\n")
    assert run(folder) == everything


def test_ci_and_a_full_run_run_every_check(tmp_path):
    folder = make_stage(tmp_path)
    everything = ["test_double", "test_layer", "test_other"]
    assert run(folder) == everything
    assert run(folder, CI="true") == everything
    assert run(folder, TINYTORCH_FULL_RUN="1") == everything
