"""Every workflow of the course is a nox session. `nox -l` lists them.

Learners:    nox -s stage-03          run stage 03's tests and print its points table
             nox -s status            every stage's last grade
Instructors: nox                      the full verification suite (sync, lint, tests, verify, stubs)
             nox -s bench             performance workloads against a NumPy floor

Sessions reuse their virtualenv (a second run starts in seconds) and use uv when it is
installed, plain venv + pip otherwise. Dependencies come from pyproject.toml's
[dependency-groups]; nothing is installed globally.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import nox

nox.needs_version = ">=2025.10.16"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["sync", "lint", "tests", "verify", "stubs"]

ROOT = Path(__file__).resolve().parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
MANIFEST = json.loads((ROOT / "ci" / "manifest.json").read_text(encoding="utf-8"))


def install(session: nox.Session, *groups: str) -> None:
    session.install(*nox.project.dependency_groups(PYPROJECT, *groups))


# ----------------------------------------------------------------------------- learners


#: From this many test files on (this stage's and the earlier stages' regression checks), a
#: stage runs faster on parallel pytest-xdist workers than in one process (measured on 2 cores:
#: stage 06, 38 files, 4.9 s instead of 5.5 s; stage 05, 32 files, no gain).
PARALLEL_FROM_FILES = 35

#: The tests multiply small matrices: BLAS threads only compete with each other (and with
#: pytest-xdist's workers) for the cores.
ONE_BLAS_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _stage_session(key: str, entry: dict):
    folder = entry["dir"]
    results = f"{folder}/.grade/results.json"
    test_files = [rel for rel in entry.get("protected", {}) if rel.startswith("tests/")]
    many_files = len(test_files) >= PARALLEL_FROM_FILES

    def run_stage(session: nox.Session) -> None:
        install(session, "test")
        # With a regression cache (tinytorch_testing.regression) most earlier checks are
        # skipped locally, and the rest runs faster in one process than on xdist workers.
        cached = (ROOT / folder / ".grade" / "regression-cache.json").is_file()
        full = bool(os.environ.get("CI")) or os.environ.get("TINYTORCH_FULL_RUN", "") not in (
            "",
            "0",
        )
        parallel = ["-n", "auto"] if many_files and (full or not cached) else []
        session.run(
            "python", "-m", "pytest", folder, "-q", "--tb=no", "-rN", "--no-header", *parallel,
            f"--results-json={results}", "--hypothesis-profile=ci", *session.posargs,
            success_codes=[0, 1, 2, 3, 4, 5], env=ONE_BLAS_THREAD,
        )  # fmt: skip
        session.run("python", "ci/grade.py", "stage", key)

    def not_ready(session: nox.Session) -> None:
        ready = ", ".join(k for k, e in sorted(MANIFEST["stages"].items()) if e["ready"])
        session.error(
            f"stage {key} ({entry['title']}) is not ready yet: its content has not been "
            f"written. Ready stages: {ready}"
        )

    function = run_stage if entry["ready"] else not_ready
    function.__doc__ = f"Stage {key} · {entry['title']}: " + (
        "run its tests and print its points." if entry["ready"] else "not ready yet."
    )
    function.__name__ = f"stage_{key}"
    backend = None if entry["ready"] else "none"
    return nox.session(name=f"stage-{key}", default=False, venv_backend=backend)(function)


for _key, _entry in sorted(MANIFEST["stages"].items()):
    globals()[f"stage_{_key}"] = _stage_session(_key, _entry)


@nox.session(venv_backend="none", default=False)
def status(session: nox.Session) -> None:
    """Table of every stage's last local grade."""
    session.run(sys.executable, "ci/grade.py", "status")


# ----------------------------------------------------------------------------- instructors


@nox.session(venv_backend="none")
def sync(session: nox.Session) -> None:
    """stages/, workflows and ci/manifest.json are up to date with solutions/."""
    session.run(sys.executable, "scripts/build_stages.py", "--check")


@nox.session
def lint(session: nox.Session) -> None:
    """pre-commit with local hooks: ruff, ruff format, actionlint (+shellcheck), sync."""
    install(session, "lint")
    session.run("pre-commit", "run", "--all-files", "--show-diff-on-failure", *session.posargs)


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
    """Invariant 2: on each generated stage, its graded tests fail and earlier ones pass."""
    install(session, "test")
    session.run("python", "scripts/invariants.py", "stubs", *session.posargs)


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Performance workloads timed against a NumPy floor in the same run (not a test)."""
    install(session, "runtime")
    session.run("python", "scripts/bench.py", *session.posargs)


@nox.session(default=False)
def mutation(session: nox.Session) -> None:
    """Mutation testing: mutate stage NN's solution blocks, run its graded tests
    (`nox -s mutation -- 05`; add --list to see the mutants)."""
    if not session.posargs:
        session.error("which stage? e.g. nox -s mutation -- 05")
    install(session, "mutation")
    session.run("python", "scripts/mutation.py", *session.posargs)
