"""Every workflow of the course is a nox session. `nox -l` lists them.

Learners:    nox -s stage-03          run stage 03's tests and print its points table
             nox -s stage-03 -- -k relu           only some tests (shown, not saved)
             nox -s run -- 03 systems.layout      a stage's systems or milestone script
             nox -s status            every stage's last grade
             nox -s check             the course's tests and grader are intact
             nox -s carry -- 05       your own earlier-stage code replaces the reference in 05
Instructors (only in the course repository, which has solutions/):
             nox                      the full verification suite (sync, lint, tests, verify, stubs)
             nox -s publish -- OUT    write the learners' repository (see docs/instructor-guide.md)
             nox -s regrade -- DIR    grade learners' repositories with the course's tests
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

ROOT = Path(__file__).resolve().parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
MANIFEST = json.loads((ROOT / "ci" / "manifest.json").read_text(encoding="utf-8"))
#: The instructors' course repository (with solutions/), not a learner's published copy: only
#: here do the instructor sessions exist.
COURSE_REPO = (ROOT / "solutions").is_dir()
nox.options.sessions = ["sync", "lint", "tests", "verify", "stubs"] if COURSE_REPO else ["check"]


def instructor_session(*args, **kwargs):
    """``@nox.session`` in the course repository; in a learner's copy the session is absent."""
    return nox.session(*args, **kwargs) if COURSE_REPO else (lambda function: function)


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
    test_files = [rel for rel in entry.get("protected", {}) if rel.startswith("tests/")]
    parallel = ["-n", "auto"] if len(test_files) >= PARALLEL_FROM_FILES else []

    def run_stage(session: nox.Session) -> None:
        install(session, "test")
        # ci/grade.py runs pytest itself, hardened, and computes the grade outside that process.
        session.run(
            "python", "ci/grade.py", "run", key, *parallel, *session.posargs, env=ONE_BLAS_THREAD
        )

    def not_ready(session: nox.Session) -> None:
        ready = ", ".join(k for k, e in sorted(MANIFEST["stages"].items()) if e["ready"])
        if entry.get("released") is False:
            session.error(
                f"stage {key} ({entry['title']}) is not released yet: your instructor publishes "
                f"each stage after the previous one is due. Released stages: {ready}"
            )
        session.error(
            f"stage {key} ({entry['title']}) is not ready yet: its content has not been "
            f"written. Ready stages: {ready}"
        )

    function = run_stage if entry["ready"] else not_ready
    function.__doc__ = f"Stage {key} · {entry['title']}: " + (
        "run its tests and print its points."
        if entry["ready"]
        else ("not released yet." if entry.get("released") is False else "not ready yet.")
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


@nox.session(venv_backend="none", default=not COURSE_REPO)
def check(session: nox.Session) -> None:
    """The course's own files (tests, helpers, grader) are intact in every released stage."""
    session.run(sys.executable, "ci/grade.py", "check")


@nox.session(venv_backend="none", default=False)
def carry(session: nox.Session) -> None:
    """Carry your own earlier-stage code into a stage: nox -s carry -- 05 [--dry-run]."""
    if not session.posargs:
        session.error("usage: nox -s carry -- NN [--dry-run]")
    session.run(sys.executable, "ci/carry.py", *session.posargs)


@nox.session(name="run", default=False)
def run_script(session: nox.Session) -> None:
    """Run a stage's systems or milestone script: nox -s run -- 05 systems.backward_cost."""
    if len(session.posargs) < 2:
        session.error(
            "usage: nox -s run -- NN MODULE [ARGS...], e.g. nox -s run -- 01 systems.layout"
        )
    number, module, *rest = session.posargs
    key = f"{int(number):02d}" if number.isdigit() else number
    entry = MANIFEST["stages"].get(key)
    if entry is None or not entry["ready"]:
        session.error(f"stage {number!r} is not a released stage of this course")
    install(session, "runtime")
    session.chdir(ROOT / entry["dir"])
    session.run("python", "-m", module, *rest)


# ----------------------------------------------------------------------------- instructors


@instructor_session(venv_backend="none")
def sync(session: nox.Session) -> None:
    """stages/, workflows and ci/manifest.json are up to date with solutions/."""
    session.run(sys.executable, "scripts/build_stages.py", "--check")


@instructor_session
def lint(session: nox.Session) -> None:
    """pre-commit with local hooks: ruff, ruff format, actionlint (+shellcheck), sync."""
    install(session, "lint")
    session.run("pre-commit", "run", "--all-files", "--show-diff-on-failure", *session.posargs)


@instructor_session
def tests(session: nox.Session) -> None:
    """Unit tests of the machinery: generator, grader, integrity check, test helpers."""
    install(session, "test", "tools", "lint")  # lint: actionlint for published workflows
    session.run("python", "-m", "pytest", "scripts/tests", "-q", *session.posargs)


@instructor_session
def verify(session: nox.Session) -> None:
    """Invariant 1: every stage's tests pass on the reference solution."""
    install(session, "test")
    session.run("python", "scripts/invariants.py", "reference", *session.posargs)


@instructor_session
def stubs(session: nox.Session) -> None:
    """Invariant 2: on each generated stage, its graded tests fail and earlier ones pass."""
    install(session, "test")
    session.run("python", "scripts/invariants.py", "stubs", *session.posargs)


@instructor_session(venv_backend="none", default=False)
def publish(session: nox.Session) -> None:
    """Write the learners' repository: nox -s publish -- OUT [--through NN] [--mode ...]."""
    if not session.posargs:
        session.error("usage: nox -s publish -- OUT [--through NN] [--mode classroom|self-study]")
    session.run(sys.executable, "scripts/publish.py", *session.posargs)


@instructor_session(default=False)
def regrade(session: nox.Session) -> None:
    """Grade learner repositories: nox -s regrade -- SUBMISSIONS_DIR [--stage NN] [--jobs N]."""
    if not session.posargs:
        session.error("usage: nox -s regrade -- SUBMISSIONS_DIR [--stage NN] [--jobs N]")
    install(session, "test")
    session.run("python", "scripts/regrade.py", *session.posargs)


@instructor_session(default=False)
def bench(session: nox.Session) -> None:
    """Performance workloads timed against a NumPy floor in the same run (not a test)."""
    install(session, "runtime")
    session.run("python", "scripts/bench.py", *session.posargs)


@instructor_session(default=False)
def mutation(session: nox.Session) -> None:
    """Mutation testing: mutate stage NN's solution blocks, run its graded tests
    (`nox -s mutation -- 05`; add --list to see the mutants)."""
    if not session.posargs:
        session.error("which stage? e.g. nox -s mutation -- 05")
    install(session, "mutation")
    session.run("python", "scripts/mutation.py", *session.posargs)
