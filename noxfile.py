"""Every workflow of the course is a nox session. `nox -l` lists them.

Learners:    nox -s stage-03          run stage 03's tests and print its points table
             nox -s status            every stage's last grade
Instructors: nox                      the full verification suite (sync, lint, tests, verify, stubs)
             nox -s check -- 03       regenerate, count points, the three invariants for stage 03
             nox -s bench             performance workloads against a NumPy floor

Sessions reuse their virtualenv (a second run starts in seconds) and use uv when it is
installed, plain venv + pip otherwise. Dependencies come from pyproject.toml's
[dependency-groups]; nothing is installed globally.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nox

nox.needs_version = ">=2025.10.16"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["sync", "lint", "tests", "verify", "stubs"]

ROOT = Path(__file__).resolve().parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
#: Stage sessions exist for stage-01 ... stage-NN whatever ci/manifest.json holds, so that a
#: broken manifest breaks no session at import time: each reads the manifest when it runs.
STAGE_COUNT = 20


def read_manifest() -> tuple[dict | None, str]:
    """(ci/manifest.json, "") or (None, what is wrong with it and how to recover)."""
    path = ROOT / "ci" / "manifest.json"
    try:
        return json.loads(path.read_text(encoding="utf-8")), ""
    except FileNotFoundError:
        problem = "is missing"
    except (ValueError, UnicodeDecodeError) as error:
        problem = f"is not valid JSON ({error}; a merge conflict?)"
    return None, (
        f"ci/manifest.json {problem}. It is generated, never edited or merged by hand. "
        "Course maintainers: `git checkout --ours ci/manifest.json && python "
        "scripts/build_stages.py` rebuilds it. Learners: `git checkout origin/main -- "
        "ci/manifest.json` restores the published one"
    )


def manifest_or_error(session: nox.Session) -> dict:
    manifest, problem = read_manifest()
    if manifest is None:
        session.error(problem)
    return manifest


def install(session: nox.Session, *groups: str) -> None:
    session.install(*nox.project.dependency_groups(PYPROJECT, *groups))


# ----------------------------------------------------------------------------- learners


#: From this many test files on (this stage's and the earlier stages' regression checks), a
#: stage runs faster on parallel pytest-xdist workers than in one process (measured on 2 cores:
#: stage 06, 38 files, 4.9 s instead of 5.5 s; stage 05, 32 files, no gain).
PARALLEL_FROM_FILES = 35


def _stage_session(key: str, entry: dict | None):
    """The session of stage ``key``; ``entry`` (from the manifest, if readable) names it."""

    def run_stage(session: nox.Session) -> None:
        entry = manifest_or_error(session)["stages"].get(key)
        if entry is None or not entry["ready"]:
            manifest = manifest_or_error(session)
            ready = ", ".join(k for k, e in sorted(manifest["stages"].items()) if e["ready"])
            title = f" ({entry['title']})" if entry else ""
            session.error(
                f"stage {key}{title} is not ready yet: its content has not been "
                f"written. Ready stages: {ready}"
            )
        folder = entry["dir"]
        results = f"{folder}/.grade/results.json"
        test_files = [rel for rel in entry.get("protected", {}) if rel.startswith("tests/")]
        parallel = ["-n", "auto"] if len(test_files) >= PARALLEL_FROM_FILES else []
        install(session, "test")
        session.run(
            "python", "-m", "pytest", folder, "-q", "--tb=no", "-rN", "--no-header", *parallel,
            f"--results-json={results}", "--hypothesis-profile=ci", *session.posargs,
            success_codes=[0, 1, 2, 3, 4, 5],
        )  # fmt: skip
        session.run("python", "ci/grade.py", "stage", key)

    ready = entry is not None and entry["ready"]
    title = entry["title"] if entry else "see ci/manifest.json"
    run_stage.__doc__ = f"Stage {key} · {title}: " + (
        "run its tests and print its points." if ready else "not ready yet."
    )
    run_stage.__name__ = f"stage_{key}"
    backend = None if ready else "none"
    return nox.session(name=f"stage-{key}", default=False, venv_backend=backend)(run_stage)


_MANIFEST, _ = read_manifest()
_STAGES = (_MANIFEST or {}).get("stages", {})
for _number in range(1, max(STAGE_COUNT, len(_STAGES)) + 1):
    _key = f"{_number:02d}"
    globals()[f"stage_{_key}"] = _stage_session(_key, _STAGES.get(_key))


@nox.session(venv_backend="none", default=False)
def status(session: nox.Session) -> None:
    """Table of every stage's last local grade."""
    session.run(sys.executable, "ci/grade.py", "status")


# ----------------------------------------------------------------------------- instructors


@nox.session
def sync(session: nox.Session) -> None:
    """stages/, workflows and ci/manifest.json are up to date; each stage's points add up."""
    install(session, "test")  # pytest counts the points, as the grader will
    session.run("python", "scripts/build_stages.py", "--check")


@nox.session
def lint(session: nox.Session) -> None:
    """pre-commit with local hooks: ruff, ruff format, actionlint (+shellcheck).

    The hooks only check, never rewrite, so there is no diff to show. The generator's check
    hook is skipped here because the ``sync`` session runs it.
    """
    install(session, "lint")
    session.run(
        "pre-commit", "run", "--all-files", *session.posargs, env={"SKIP": "stages-in-sync"}
    )


@nox.session
def tests(session: nox.Session) -> None:
    """Unit tests of the machinery: generator, grader, integrity check, test helpers."""
    install(session, "test", "tools")
    session.run("python", "-m", "pytest", "scripts/tests", "-q", *session.posargs)


@nox.session
def verify(session: nox.Session) -> None:
    """Invariant 1: every stage's tests pass on the reference solution."""
    install(session, "test")
    session.run("python", "scripts/invariants.py", "reference", *session.posargs)


@nox.session
def stubs(session: nox.Session) -> None:
    """Invariants 2 and 3: each stage fails on its own stubs, passes solved, reaches every stub.

    ``nox -s stubs -- --stage 3`` checks one stage.
    """
    install(session, "test")
    session.run("python", "scripts/invariants.py", "stubs", *session.posargs)


@nox.session(default=False)
def check(session: nox.Session) -> None:
    """One stage, fast: regenerate, count points, invariants 1-3. ``nox -s check -- 03``."""
    if len(session.posargs) != 1 or not session.posargs[0].removeprefix("stage-").isdigit():
        session.error("name one stage: nox -s check -- 03")
    number = str(int(session.posargs[0].removeprefix("stage-")))
    install(session, "test")
    session.run("python", "scripts/build_stages.py")
    session.run("python", "scripts/invariants.py", "reference", "--stage", number)
    session.run("python", "scripts/invariants.py", "stubs", "--stage", number)


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Performance workloads timed against a NumPy floor in the same run (not a test)."""
    install(session, "runtime")
    session.run("python", "scripts/bench.py", *session.posargs)
