"""The learners' repository: complete, without the answer key, growing without rewrites."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from course import SOLUTIONS, Course, files_under, load_manifest, module_owners
from markers import ModuleSource
from publish import PublishError, main, publish

ROOT = Path(__file__).resolve().parents[2]
COURSE = Course(ROOT, tuple(load_manifest(ROOT)))
READY = [s.number for s in COURSE.stages if s.ready]
FIRST, SECOND = READY[1], READY[3]  # publish through the 2nd ready stage, then the 4th
_NOTE = ("# TODO", "# HINT", "#")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True
    ).stdout


def _blocks(module: ModuleSource) -> list[tuple[int, range]]:
    """(stage, line indexes of the body) of each SOLUTION block of a reference module."""
    found = []
    for block in module.blocks:
        for solution in [block] if block.kind == "SOLUTION" else block.children:
            found.append((solution.stage, range(solution.begin + 1, solution.end)))
    return found


def secret_lines(through: int) -> set[str]:
    """Code lines found only in SOLUTION blocks of stage >= ``through``: their fingerprints.

    A line that also appears anywhere public (given code, an earlier stage's solution, a
    test, a script, the helpers) proves nothing and is left out; so are very short lines.
    """
    secret, public = set(), set()
    for rel, owner in module_owners(COURSE).items():
        if not rel.endswith(".py"):
            continue
        module = ModuleSource(COURSE, rel, owner)
        inside = set()
        for stage, body in _blocks(module):
            code = {module.lines[i].strip() for i in body}
            code = {line for line in code if line and not line.startswith(_NOTE)}
            (secret if stage >= through else public).update(code)
            inside.update(body)
        public.update(line.strip() for i, line in enumerate(module.lines) if i not in inside)
    for folder in ("tests", "milestones", "systems", "docs"):
        for path in files_under(ROOT / SOLUTIONS / folder):
            if path.suffix in (".py", ".md"):
                public.update(line.strip() for line in path.read_text().splitlines())
    for path in files_under(ROOT / "shared"):
        if path.suffix == ".py":
            public.update(line.strip() for line in path.read_text().splitlines())
    return {line for line in secret - public if len(line) >= 16}


def published_lines(repo: Path) -> set[str]:
    """Every line of every file in the work tree and of every commit's diff on every branch."""
    lines = set()
    for rel in git(repo, "ls-files").splitlines():
        path = repo / rel
        lines.update(line.strip() for line in path.read_text(errors="replace").splitlines())
    for line in git(repo, "log", "-p", "--all", "--format=").splitlines():
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---")):
            lines.add(line[1:].strip())
    return lines


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> dict:
    """A publication through FIRST, then extended through SECOND (states recorded between)."""
    out = tmp_path_factory.mktemp("learner")
    publish(ROOT, out, FIRST)
    first = {
        "branches": {
            b: git(out, "rev-parse", b).strip()
            for b in git(out, "branch", "--format=%(refname:short)").split()
        },
        "lines": published_lines(out),
        "files": git(out, "ls-files").splitlines(),
    }
    publish(ROOT, out, SECOND)
    return {"out": out, "first": first}


def test_first_publication_has_one_commit_and_branch_per_stage(published):
    first = published["first"]
    assert sorted(first["branches"]) == ["main"] + [f"stage-{n:02d}" for n in READY if n <= FIRST]
    assert first["branches"]["main"] == first["branches"][f"stage-{FIRST:02d}"]
    stage_dirs = {rel.split("/")[1] for rel in first["files"] if rel.startswith("stages/")}
    assert stage_dirs == {s.dirname for s in COURSE.stages if s.ready and s.number <= FIRST}


def test_republishing_adds_commits_without_rewriting(published):
    out, first = published["out"], published["first"]
    for branch, sha in first["branches"].items():
        if branch != "main":
            assert git(out, "rev-parse", branch).strip() == sha, f"{branch} was rewritten"
    git(out, "merge-base", "--is-ancestor", first["branches"]["main"], "main")
    log = git(out, "log", "--format=%s", "main").splitlines()
    assert log == [
        f"Release stage {s.nn} · {s.title}"
        for s in reversed(COURSE.stages)
        if s.ready and s.number <= SECOND
    ]
    assert publish(ROOT, out, SECOND) == []  # nothing new: nothing committed


def test_no_solution_of_a_stage_at_or_after_the_release_appears_anywhere(published):
    """Fingerprint every SOLUTION block's code lines; search the tree and `git log -p`."""
    for through, lines in (
        (FIRST, published["first"]["lines"]),
        (SECOND, published_lines(published["out"])),
    ):
        secret = secret_lines(through)
        assert len(secret) > 100  # the fingerprints are many, so the check means something
        leaked = sorted(secret & lines)
        assert leaked == [], f"through {through:02d}: {leaked[:5]}"


def test_the_check_finds_a_leak():
    """The fingerprints do catch a later stage's solution copied into the tree."""
    secret = secret_lines(FIRST)
    later = COURSE.stage(SECOND)
    solved = (ROOT / "stages" / later.dirname / "tinytorch").rglob("*.py")
    text = {line.strip() for path in solved for line in path.read_text().splitlines()}
    assert secret & text


def test_the_tree_holds_the_learner_files_only(published):
    out = published["out"]
    files = set(git(out, "log", "--all", "--format=", "--name-only").split())
    assert not [f for f in files if f.startswith(("solutions/", "scripts/", ".ci/", "docs/"))]
    assert not [
        f
        for f in files
        if "/.grade/" in f or f.startswith((".nox/", ".venv/")) or "__pycache__" in f
    ]
    assert ".github/workflows/verify.yml" not in files and ".pre-commit-config.yaml" not in files
    workflows = sorted(p.name for p in (out / ".github/workflows").iterdir())
    released = [s for s in COURSE.stages if s.ready and s.number <= SECOND]
    assert workflows == sorted(["classroom.yml"] + [f"{s.session}.yml" for s in released])
    manifest = json.loads((out / "ci/manifest.json").read_text())
    assert [k for k, e in manifest["stages"].items() if e["ready"]] == [s.nn for s in released]
    assert "generated" not in manifest
    readme = (out / "README.md").read_text()
    assert readme.index("nox -s stage-01") < readme.index("## Stages")
    assert "exits with status 1 and 0 points: that is expected" in readme
    assert "released only after the previous one is due" in readme
    assert "solutions/" not in readme


def test_the_published_repository_passes_its_own_nox(published):
    out = published["out"]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    run = subprocess.run(
        [sys.executable, "-m", "nox"], cwd=out, env=env, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "ok: the tests, helpers and grader" in run.stdout + run.stderr
    listing = subprocess.run(
        [sys.executable, "-m", "nox", "-l"],
        cwd=out,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in ("sync", "lint", "tests", "verify", "stubs", "bench", "publish"):
        assert f" {name} -> " not in listing
    for name in ("status", "check", "run", "stage-01"):
        assert f" {name} -> " in listing


def test_publish_refuses_to_overwrite_something_else(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(PublishError, match="neither empty nor a published repository"):
        publish(ROOT, tmp_path, FIRST)
    with pytest.raises(SystemExit):  # never inside the course repository itself
        main([str(ROOT / "stages" / "learner-copy")])
    assert not (ROOT / "stages" / "learner-copy").exists()
