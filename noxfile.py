"""Every workflow of the course is a nox session. `nox -l` lists them.

Learners:    nox -s stage-03          run stage 03's tests and print its points table
             nox -s stage-03 -- -k relu           only some tests (shown, not saved)
             nox -s run -- 03 systems.layout      a stage's systems or milestone script
             nox -s status            every stage's last grade
             nox -s integrity         the course's tests and grader are intact
             nox -s carry -- 05       your own earlier-stage code replaces the reference in 05
Instructors (only in the course repository, which has solutions/):
             nox                      the full verification suite (sync, lint, tests, verify, stubs)
             nox -s publish -- OUT    write the learners' repository (see docs/instructor-guide.md)
             nox -s regrade -- DIR    grade learners' repositories with the course's tests
             nox -s check -- 03       regenerate, count points, the three invariants for stage 03
             nox -s bench             performance workloads against a NumPy floor
             nox -s milestones        every ready stage's milestone scripts, results in a table

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

ROOT = Path(__file__).resolve().parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
#: The instructors' course repository (with solutions/), not a learner's published copy: only
#: here do the instructor sessions exist.
COURSE_REPO = (ROOT / "solutions").is_dir()
nox.options.sessions = (
    ["sync", "lint", "tests", "verify", "stubs"] if COURSE_REPO else ["integrity"]
)


def instructor_session(*args, **kwargs):
    """``@nox.session`` in the course repository; in a learner's copy the session is absent."""
    return nox.session(*args, **kwargs) if COURSE_REPO else (lambda function: function)


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


#: Tests and milestones run NumPy's BLAS on one thread unless the environment says otherwise:
#: their matrices are small, and on a shared 2-core machine competing BLAS thread pools made
#: small matrix products up to 20x slower (a quick milestone test went from 10 s to 300 s).
ONE_BLAS_THREAD = {
    var: os.environ.get(var, "1") for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
}


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


def _stage_session(key: str, entry: dict | None):
    """The session of stage ``key``; ``entry`` (from the manifest, if readable) names it."""

    def run_stage(session: nox.Session) -> None:
        manifest = manifest_or_error(session)
        entry = manifest["stages"].get(key)
        if entry is None or not entry["ready"]:
            ready = ", ".join(k for k, e in sorted(manifest["stages"].items()) if e["ready"])
            title = f" ({entry['title']})" if entry else ""
            if entry is not None and entry.get("released") is False:
                session.error(
                    f"stage {key}{title} is not released yet: your instructor publishes each "
                    f"stage after the previous one is due. Released stages: {ready}"
                )
            session.error(
                f"stage {key}{title} is not ready yet: its content has not been "
                f"written. Ready stages: {ready}"
            )
        test_files = [rel for rel in entry.get("protected", {}) if rel.startswith("tests/")]
        parallel = ["-n", "auto"] if len(test_files) >= PARALLEL_FROM_FILES else []
        install(session, "test")
        # ci/grade.py runs pytest itself, hardened, and computes the grade outside that process.
        session.run(
            "python", "ci/grade.py", "run", key, *parallel, *session.posargs, env=ONE_BLAS_THREAD
        )

    ready = entry is not None and entry["ready"]
    title = entry["title"] if entry else "see ci/manifest.json"
    if ready:
        state = "run its tests and print its points."
    elif entry is not None and entry.get("released") is False:
        state = "not released yet."
    else:
        state = "not ready yet."
    run_stage.__doc__ = f"Stage {key} · {title}: {state}"
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


@nox.session(venv_backend="none", default=not COURSE_REPO)
def integrity(session: nox.Session) -> None:
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
    entry = manifest_or_error(session)["stages"].get(key)
    if entry is None or not entry["ready"]:
        session.error(f"stage {number!r} is not a released stage of this course")
    install(session, "runtime")
    session.chdir(ROOT / entry["dir"])
    session.run("python", "-m", module, *rest)


# ----------------------------------------------------------------------------- instructors


@instructor_session
def sync(session: nox.Session) -> None:
    """stages/, workflows and ci/manifest.json are up to date; each stage's points add up."""
    install(session, "test")  # pytest counts the points, as the grader will
    session.run("python", "scripts/build_stages.py", "--check")


@instructor_session
def lint(session: nox.Session) -> None:
    """pre-commit with local hooks: ruff, ruff format, actionlint (+shellcheck).

    The hooks only check, never rewrite, so there is no diff to show. The generator's check
    hook is skipped here because the ``sync`` session runs it.
    """
    install(session, "lint")
    session.run(
        "pre-commit", "run", "--all-files", *session.posargs, env={"SKIP": "stages-in-sync"}
    )


@instructor_session
def tests(session: nox.Session) -> None:
    """Unit tests of the machinery: generator, grader, integrity check, test helpers."""
    install(session, "test", "tools", "lint")  # lint: actionlint for published workflows
    # Many of these tests build and grade small courses in subprocesses: two workers cut the
    # session from 3.6 to 2.5 minutes on 2 cores.
    session.run("python", "-m", "pytest", "scripts/tests", "-q", "-n", "auto", *session.posargs)


@instructor_session
def verify(session: nox.Session) -> None:
    """Invariant 1: every stage's tests pass on the reference solution."""
    install(session, "test")
    session.run(
        "python", "scripts/invariants.py", "reference", *session.posargs, env=ONE_BLAS_THREAD
    )


@instructor_session
def stubs(session: nox.Session) -> None:
    """Invariants 2 and 3: each stage fails on its own stubs, passes solved, reaches every stub.

    ``nox -s stubs -- --stage 3`` checks one stage.
    """
    install(session, "test")
    session.run("python", "scripts/invariants.py", "stubs", *session.posargs, env=ONE_BLAS_THREAD)


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
def check(session: nox.Session) -> None:
    """One stage, fast: regenerate, count points, invariants 1-3. ``nox -s check -- 03``."""
    if len(session.posargs) != 1 or not session.posargs[0].removeprefix("stage-").isdigit():
        session.error("name one stage: nox -s check -- 03")
    number = str(int(session.posargs[0].removeprefix("stage-")))
    install(session, "test")
    session.run("python", "scripts/build_stages.py")
    session.run("python", "scripts/invariants.py", "reference", "--stage", number)
    session.run("python", "scripts/invariants.py", "stubs", "--stage", number)


@instructor_session(default=False)
def bench(session: nox.Session) -> None:
    """Performance workloads timed against a NumPy floor in the same run (not a test).

    PyTorch's CPU build (group bench-torch) joins as a comparison column when it installs;
    pip's find-links setting is passed on, since uv does not read pip's configuration.
    """
    install(session, "runtime")
    find_links = os.environ.get("PIP_FIND_LINKS", "").split()
    try:
        session.install(
            *nox.project.dependency_groups(PYPROJECT, "bench-torch"),
            *(arg for folder in find_links for arg in ("--find-links", folder)),
        )
    except nox.command.CommandFailed:
        session.warn("PyTorch's CPU build could not be installed: no torch column this time")
    session.run("python", "scripts/bench.py", *session.posargs)


@instructor_session(default=False)
def milestones(session: nox.Session) -> None:
    """Every milestone script of every ready stage; results to bench-results/milestones.md.

    `nox -s milestones -- --quick` uses the scripts' quick settings where they have them;
    `-- -m NAME` runs one. BLAS runs on one thread (ONE_BLAS_THREAD).
    """
    install(session, "runtime")
    session.run("python", "scripts/run_milestones.py", *session.posargs, env=ONE_BLAS_THREAD)


@instructor_session(default=False)
def mutation(session: nox.Session) -> None:
    """Mutation testing: mutate stage NN's solution blocks, run its graded tests
    (`nox -s mutation -- 05`; add --list to see the mutants)."""
    if not session.posargs:
        session.error("which stage? e.g. nox -s mutation -- 05")
    install(session, "mutation")
    session.run("python", "scripts/mutation.py", *session.posargs)
