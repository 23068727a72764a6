#!/usr/bin/env python3
"""Publish the learners' repository: the released stages, without the answer key.

    python scripts/publish.py OUT [--through NN] [--mode classroom|self-study]
                                  [--course-repo OWNER/NAME --course-ref SHA
                                   --template-repo OWNER/NAME]
    nox -s publish -- OUT --through 03

OUT becomes (or, when it already is one, grows) a git repository with:

- ``stages/NN_slug/`` for every released stage (ready and ``<= --through``), exactly as the
  generator renders them; ``shared/``; the grader (``ci/grade.py``, ``ci/stub_format.py``) and
  a manifest listing only the released stages; ``noxfile.py`` and ``pyproject.toml`` (the
  instructor sessions only exist where ``solutions/`` does); a learner README; the stage
  workflows; and in classroom mode ``.github/workflows/classroom.yml``: with
  ``--course-repo``, ``--course-ref`` and ``--template-repo`` a small caller of this
  repository's ``trusted-grading.yml`` pinned by commit (the learner's code is graded against
  the template's own files), otherwise a workflow grading the learner's repository as it is.
- never: ``solutions/``, ``scripts/`` (the generator reads solution markers), instructor
  workflows (``verify.yml``), ``.grade/``, ``.nox/``, virtualenvs, or a stage after ``--through``.

History: one commit per released stage on ``main`` ("Release stage 03 · Layers") and a branch
``stage-NN`` at each of them, so an instructor can hand out one stage at a time. Publishing
again with a larger ``--through`` adds commits on top (learners can ``git pull``); nothing is
rewritten. A publication whose files changed for other reasons (a fixed test) gets one
"Course update" commit.

A stage folder holds the reference solution of every earlier stage by design (stage 05 starts
from a working stage 04), so release a stage only after the previous one is due.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from build_stages import MANIFEST_PATH, WORKFLOWS, Generator
from course import ROOT, BuildError, Stage, files_under
from templates import PYTHON_VERSION, classroom_workflow, trusted_classroom_workflow

#: What OUT's files may never include, whatever the source tree holds.
NEVER = (".git/", ".grade/", ".nox/", ".venv/", "venv/", "__pycache__/", ".hypothesis/")
#: Files copied from the course repository as they are.
COPIED = ("noxfile.py", "pyproject.toml", "ci/grade.py", "ci/stub_format.py", "ci/carry.py")
#: The identity of publication commits (an instructor can set GIT_AUTHOR_* to override).
AUTHOR = ("TinyTorch course", "course@tinytorch.invalid")


class PublishError(Exception):
    pass


def _never_published(rel: str) -> bool:
    parts = rel.split("/")
    return any(f"{part}/" in NEVER for part in parts[:-1]) or rel.endswith((".pyc", ".pth"))


def learner_manifest(course_manifest: dict, released: list[Stage]) -> str:
    """The course manifest, with only the released stages ready and no generator records."""
    numbers = {s.number for s in released}
    stages = {}
    for key, entry in course_manifest["stages"].items():
        if int(key) in numbers:
            stages[key] = entry
        else:
            stages[key] = {
                field: entry[field] for field in ("number", "slug", "title", "dir", "points")
            }
            stages[key]["ready"] = False
            stages[key]["released"] = False
    payload = {
        "schema": course_manifest["schema"],
        "grading_files": course_manifest["grading_files"],
        "stages": stages,
    }
    return json.dumps(payload, indent=1, sort_keys=True) + "\n"


def learner_readme(released: list[Stage], later: list[Stage], mode: str) -> str:
    first = released[0]
    rows = ["| stage | hours | points | status |", "|---|---:|---:|---|"]
    for stage in released:
        badge = f"../../actions/workflows/{stage.session}.yml"
        rows.append(
            f"| [{stage.nn} · {stage.title}](stages/{stage.dirname}/README.md) | {stage.hours:g} "
            f"| {stage.points} | [![{stage.session}]({badge}/badge.svg)]({badge}) |"
        )
    for stage in later:
        rows.append(f"| {stage.nn} · {stage.title} | {stage.hours:g} | – | released later |")
    grading = (
        "Every push is graded by GitHub Classroom (`.github/workflows/classroom.yml`): each "
        "stage's points count, test by test. Your instructor may also run hidden tests."
        if mode == "classroom"
        else "Every push runs the stage workflows: their badges above turn green at full points."
    )
    setup = (
        'python3 -m venv .venv && .venv/bin/python -m pip install -q --upgrade "pip>=25.1" '
        "&& .venv/bin/python -m pip install -q --group tools"
    )
    return f"""# TinyTorch: build a deep-learning framework from scratch

```sh
{setup} && .venv/bin/nox -s {first.session}
.venv/bin/nox -s {first.session}
```

The first command sets up a fresh machine (only Python ≥ 3.10 needed) and runs stage {first.nn}'s
tests; the second is all you need afterwards (add `.venv/bin` to your `PATH` to type just `nox`;
on Windows the folder is `.venv\\Scripts`).

**On a fresh stage the session exits with status 1 and 0 points: that is expected.** Every
exercise starts as a stub that raises `NotImplementedError`; the points table lists every test,
what it proves and what to write first. The session exits 0 only at full points.

## Your commands

```sh
nox -s stage-03                                  # a stage's tests, points table, next step
nox -s stage-03 -- -k linear                     # only the tests matching "linear" (not saved)
nox -s stage-03 -- 'tests/stage_03/test_linear.py::test_linear_matches_numpy' --tb=short
nox -s run -- 03 systems.<name>                  # a stage's systems or milestone script
nox -s carry -- 04                               # your own code of stages 01-03 into 04
nox -s status                                    # every stage's last grade
nox -s check                                     # the tests and grader are intact
```

A run narrowed with `-k` or a test path shows its results but keeps the stage's saved grade.

## Stages

{chr(10).join(rows)}

Work only inside a stage's folder, e.g. `stages/03_layers/`, and only in its `tinytorch/`
package: the stubs that raise `NotImplementedError("stage 03: ...")` under `# TODO:` and
`# HINT:` comments are yours to write. Each stage folder's README walks you through it.

**Each stage folder starts from the reference solution of every earlier stage**, by design: stage
05 builds on a framework whose stages 01–04 work, whatever happened in yours. That is why a
stage is released only after the previous one is due. To build on your own code instead,
`nox -s carry -- 05` replaces the reference functions in stage 05 with the ones you wrote in
stages 01–04 (it saves what it replaces in `.carry-backup/`, refuses functions whose
surroundings changed between stages, and never touches stage 05's own exercises).

## Grading

{grading} The grade is computed from the course's own copy of the tests, helpers and grader,
so do not edit `tests/`, `conftest.py`, `shared/`, `ci/`, `noxfile.py`, `pyproject.toml` or
`.github/`: an edited test is reported instead of graded, and `git checkout -- <file>`
restores it without touching your code. Tests of earlier stages run in every stage, as
regression checks: keep them passing.

Requirements: Python ≥ 3.10 and `pip`; everything else (nox, uv, NumPy, pytest, Hypothesis)
is installed by the commands above into `.venv/` and `.nox/`, never globally. Python
{PYTHON_VERSION} is what CI uses.
"""


def learner_files(
    root: Path,
    generator: Generator,
    through: int,
    mode: str,
    trusted: tuple[str, ...] | None = None,
) -> tuple[dict[str, bytes], list[Stage]]:
    """Every file of the learner repository released through stage ``through``."""
    generated = generator.files or generator.build()
    stages = generator.course.stages
    released = [s for s in stages if s.ready and s.number <= through]
    if not released:
        raise PublishError(f"no ready stage up to {through:02d}")
    later = [s for s in stages if s.number > through or not s.ready]
    files: dict[str, bytes] = {}
    for stage in released:
        prefix = f"stages/{stage.dirname}/"
        for rel, data in generated.items():
            if rel.startswith(prefix):
                files[rel] = data
        workflow = f"{WORKFLOWS}/{stage.session}.yml"
        files[workflow] = generated[workflow]
    for path in files_under(root / "shared"):
        rel = path.relative_to(root).as_posix()
        files[rel] = path.read_bytes()
    for rel in COPIED:
        files[rel] = (root / rel).read_bytes()
    files[MANIFEST_PATH] = learner_manifest(json.loads(generated[MANIFEST_PATH]), released).encode()
    files["README.md"] = learner_readme(released, later, mode).encode()
    files[".gitignore"] = (root / ".gitignore").read_bytes()
    if mode == "classroom" and trusted:
        workflow = trusted_classroom_workflow(released, *trusted)
        files[f"{WORKFLOWS}/classroom.yml"] = workflow.encode()
    elif mode == "classroom":
        files[f"{WORKFLOWS}/classroom.yml"] = classroom_workflow(released).encode()
    return {rel: data for rel, data in files.items() if not _never_published(rel)}, released


# ----------------------------------------------------------------------------- git


def _git(out: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": os.environ.get("GIT_AUTHOR_NAME", AUTHOR[0]),
        "GIT_AUTHOR_EMAIL": os.environ.get("GIT_AUTHOR_EMAIL", AUTHOR[1]),
        "GIT_COMMITTER_NAME": os.environ.get("GIT_COMMITTER_NAME", AUTHOR[0]),
        "GIT_COMMITTER_EMAIL": os.environ.get("GIT_COMMITTER_EMAIL", AUTHOR[1]),
    }
    proc = subprocess.run(
        ["git", *args], cwd=out, env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise PublishError(f"git {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc.stdout


def _write_tree(out: Path, files: dict[str, bytes]) -> None:
    """Make OUT's work tree hold exactly ``files`` (outside .git and ignored outputs)."""
    tracked = set(_git(out, "ls-files", "-z").split("\0")) - {""}
    for rel in sorted(tracked - set(files)):
        (out / rel).unlink(missing_ok=True)
    for rel, data in files.items():
        path = out / rel
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


def _branches(out: Path) -> set[str]:
    return set(_git(out, "branch", "--format=%(refname:short)").split())


def publish(
    root: Path,
    out: Path,
    through: int,
    mode: str = "classroom",
    trusted: tuple[str, ...] | None = None,
) -> list[str]:
    """Publish (or extend the publication) in ``out``; return the commits made, as messages."""
    out.mkdir(parents=True, exist_ok=True)
    if not (out / ".git").exists():
        if any(out.iterdir()):
            raise PublishError(f"{out} is neither empty nor a published repository")
        _git(out, "init", "-q", "-b", "main")
    elif _git(out, "rev-parse", "--abbrev-ref", "HEAD").strip() != "main":
        raise PublishError(f"{out} is not on branch main")
    elif _git(out, "status", "--porcelain", "--untracked-files=no").strip():
        raise PublishError(f"{out} has uncommitted changes; commit or discard them first")
    made = []
    existing = _branches(out)
    generator = Generator(root)
    _, released = learner_files(root, generator, through, mode, trusted)
    for stage in released:
        branch = f"stage-{stage.nn}"
        if branch in existing:
            continue
        files, _ = learner_files(root, generator, stage.number, mode, trusted)
        _write_tree(out, files)
        _git(out, "add", "-A")
        message = f"Release stage {stage.nn} · {stage.title}"
        _git(out, "commit", "-q", "--allow-empty", "-m", message)
        _git(out, "branch", branch)
        made.append(message)
    files, _ = learner_files(root, generator, through, mode, trusted)
    _write_tree(out, files)
    _git(out, "add", "-A")
    if _git(out, "status", "--porcelain").strip():
        _git(out, "commit", "-q", "-m", f"Course update (stages 01–{through:02d})")
        made.append("Course update")
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the learner repository to create or extend")
    parser.add_argument(
        "--through", type=int, default=None, help="last stage to release (default: every ready one)"
    )
    parser.add_argument("--mode", choices=("classroom", "self-study"), default="classroom")
    parser.add_argument(
        "--course-repo", help="OWNER/NAME of this course repository (trusted Classroom grading)"
    )
    parser.add_argument("--course-ref", help="the commit of it that grades (40 hex digits)")
    parser.add_argument(
        "--template-repo", help="OWNER/NAME the publication is pushed to (the pristine files)"
    )
    parser.add_argument(
        "--hidden-tests-repo", help="OWNER/NAME of private hidden tests (trusted mode only)"
    )
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    out = args.out.resolve()
    if out == root or root in out.parents:
        parser.error("OUT must lie outside the course repository")
    trusted = (args.course_repo, args.course_ref, args.template_repo)
    if any(trusted) and not all(trusted):
        parser.error("--course-repo, --course-ref and --template-repo go together")
    if args.hidden_tests_repo and not all(trusted):
        parser.error("--hidden-tests-repo needs trusted mode (--course-repo ...)")
    if args.course_ref and not re.fullmatch(r"[0-9a-f]{40}", args.course_ref):
        parser.error("--course-ref must be a full commit hash (40 hex digits)")
    try:
        through = args.through or max(s.number for s in Generator(root).course.stages if s.ready)
        if all(trusted):
            trusted = (*trusted, args.hidden_tests_repo)
        made = publish(root, out, through, args.mode, trusted if all(trusted[:3]) else None)
    except (PublishError, BuildError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for message in made:
        print(f"  committed: {message}")
    print(f"{out}: stages 01–{through:02d} published ({args.mode}); {len(made)} new commits")
    return 0


if __name__ == "__main__":
    sys.exit(main())
