"""`nox -s carry`: the learner's own earlier-stage code replaces the reference, end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from build_stages import Generator
from publish import publish

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = json.loads((ROOT / "ci/manifest.json").read_text())
ONE, TWO = MANIFEST["stages"]["01"]["dir"], MANIFEST["stages"]["02"]["dir"]
#: The deliberate bug: negation that forgets the sign.
GOOD, BAD = (
    "    def forward(self, a: np.ndarray) -> np.ndarray:\n        return -a\n",
    ("    def forward(self, a: np.ndarray) -> np.ndarray:\n        return a\n"),
)


def run(repo: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "NO_COLOR": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "nox", "--no-venv", "--no-install", *args],
        cwd=repo, env=env, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip


def _own_functions(repo: Path) -> dict[str, str]:
    """The text of every stage-02 exercise function in the stage-02 folder."""
    import carry  # ci/carry.py

    found = {}
    for key, spec in MANIFEST["stages"]["02"]["functions"].items():
        if spec["stage"] == 2:
            rel, _, name = key.partition("::")
            lines, (start, end) = carry._function(repo / TWO / rel, name)
            found[key] = "".join(lines[start - 1 : end])
    assert found
    return found


@pytest.fixture(scope="module")
def learner(tmp_path_factory) -> Path:
    """A published repository whose learner solved stage 01, with one deliberate bug."""
    repo = tmp_path_factory.mktemp("carry")
    publish(ROOT, repo, 2, "self-study")
    for rel, text in Generator(ROOT).solved_package(1).items():
        (repo / ONE / rel).write_text(text)
    arithmetic = repo / ONE / "tinytorch/ops/arithmetic.py"
    text = arithmetic.read_text()
    assert text.count(GOOD) == 1
    arithmetic.write_text(text.replace(GOOD, BAD))
    return repo


def test_carry_brings_the_learners_bug_into_the_next_stage(learner):
    before = run(learner, "-s", "stage-02")
    assert "Regression checks (earlier stages):" in before.stdout
    assert ", 0 failed" in before.stdout  # the reference stage 01 in stage 02 passes
    own = _own_functions(learner)

    proc = run(learner, "-s", "carry", "--", "02")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Neg.forward (from stage 01)" in proc.stdout
    assert "saved in .carry-backup/stage-02/" in proc.stdout
    arithmetic = (learner / TWO / "tinytorch/ops/arithmetic.py").read_text()
    assert BAD in arithmetic and GOOD not in arithmetic

    after = run(learner, "-s", "stage-02")
    assert after.returncode != 0
    regressions = after.stdout.split("Regression checks (earlier stages):", 1)[1]
    assert ", 0 failed" not in regressions.splitlines()[0]
    assert "neg" in regressions.lower()

    # this stage's own exercises were not touched
    assert _own_functions(learner) == own
    backups = list((learner / ".carry-backup/stage-02").rglob("arithmetic.py"))
    assert len(backups) == 1 and GOOD in backups[0].read_text()


def test_carry_refuses_where_the_given_code_differs():
    """Between stages 01 and 05, Tensor.__init__'s given code changes (autograd adds fields):
    carrying it would lose them, so carry refuses and says why."""
    import carry  # ci/carry.py

    edits, carried, messages = carry.plan(ROOT, MANIFEST, "05")
    refused = [m for m in messages if m.startswith("refused Tensor.__init__")]
    assert refused and "given code differs between stage 01 and stage 05" in refused[0]
    assert not any(name.startswith("Tensor.__init__ ") for name in carried)
    # in the course repository every earlier stage is the reference, still stubbed: nothing to carry
    assert carried == [] and edits == {}


def test_carry_of_unsolved_stages_changes_nothing(tmp_path):
    repo = tmp_path / "fresh"
    publish(ROOT, repo, 2, "self-study")
    before = (repo / TWO / "tinytorch/ops/arithmetic.py").read_text()
    proc = run(repo, "-s", "carry", "--", "02")
    assert proc.returncode == 0 and "still a stub in stage 01" in proc.stdout
    assert (repo / TWO / "tinytorch/ops/arithmetic.py").read_text() == before
