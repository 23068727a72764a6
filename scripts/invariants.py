#!/usr/bin/env python3
"""Check the three invariants that make the course trustworthy.

    python scripts/invariants.py reference [--stage NN]   # nox -s verify
    python scripts/invariants.py stubs [--stage NN]       # nox -s stubs

1. ``reference``: on ``solutions/`` every stage's tests pass, and the points of each ready
   stage's tests add up to its total in ``stages.toml``.
2. ``stubs``, on each generated ``stages/NN_slug``: every stage-NN test FAILS, and on a stub of
   stage NN itself (the ``stage NN: ...`` message of ``ci/stub_format.py``). A graded test that
   passes on the stubs grades nothing; one that fails on another error, or on a later stage's
   stub, fails for a reason the learner cannot fix. Every earlier stage's test PASSES.
3. ``stubs`` as well, on stage NN *solved* (its own exercises done, nothing later: what a
   learner who finished the stage has): every stage-NN test and every earlier test PASSES, and
   every stub of stage NN is reached by at least one stage-NN test. A test that needs a later
   stage is reported with that stage; a stub no test reaches, with its file and line.

Each check runs pytest in a subprocess with the grading plugin's ``--results-json`` and reads
the outcomes from there. Invariant 3 runs in a temporary copy of the stage whose solved blocks
report, through a small probe module, that they ran.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_stages import Generator
from course import ROOT, BuildError, Stage, load_manifest

sys.path.insert(0, str(ROOT / "ci"))
from stub_format import find_stub

#: The module the solved blocks of invariant 3 call; also a pytest plugin that records, for
#: the tests of the stage under check only, which blocks ran.
PROBE = "tinytorch_reach"
PROBE_SOURCE = '''"""Records which solved blocks of the stage under check its own tests execute."""

import json
import os
import re
from pathlib import Path

import pytest

_STAGE = int(os.environ["TINYTORCH_REACH_STAGE"])
_reached = set()
_recording = False


def reached(where):
    if _recording:
        _reached.add(where)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    global _recording
    stages = [int(m.group(1)) for p in item.path.parts if (m := re.fullmatch(r"stage_(\\d\\d)", p))]
    _recording = bool(stages) and stages[-1] == _STAGE
    try:
        return (yield)
    finally:
        _recording = False


def pytest_sessionfinish(session):
    out = Path(os.environ["TINYTORCH_REACH_OUT"])
    out.write_text(json.dumps(sorted(_reached)), encoding="utf-8")
'''


def run_pytest(
    target: Path, extra: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None
) -> dict:
    """Run pytest on ``target``; return the plugin's results (plus pytest's own output)."""
    with tempfile.TemporaryDirectory() as tmp:
        results = Path(tmp) / "results.json"
        command = [
            sys.executable, "-m", "pytest", str(target), "-q", "--tb=line", "-p", "no:randomly",
            f"--results-json={results}", "--hypothesis-profile=ci", *extra,
        ]  # fmt: skip
        proc = subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, check=False,
            env={**os.environ, "TINYTORCH_FULL_RUN": "1", **(env or {})},  # every regression check
        )  # fmt: skip
        if not results.exists():
            raise RuntimeError(
                f"pytest on {target} wrote no results (exit {proc.returncode}):\n"
                f"{proc.stdout[-4000:]}{proc.stderr[-4000:]}"
            )
        payload = json.loads(results.read_text(encoding="utf-8"))
    payload["output"] = proc.stdout + proc.stderr
    return payload


def _short(nodeid: str) -> str:
    """``.../tests/stage_02/test_x.py::test_y`` -> ``stage_02/test_x.py::test_y``."""
    path, _, name = nodeid.partition("::")
    return "/".join(path.split("/")[-2:]) + f"::{name}"


# ----------------------------------------------------------------------------- invariant 1


def check_reference(root: Path, stages: list[Stage], workers: int, only: set[int]) -> list[str]:
    """Invariant 1 (on the stages in ``only``, or all), as a list of problems."""
    extra = ["-n", str(workers)] if workers > 1 and not only else []
    tests_dir = root / "solutions" / "tests"
    targets = [tests_dir / f"stage_{n:02d}" for n in sorted(only)] or [tests_dir]
    payload = run_pytest(targets[0], [*map(str, targets[1:]), *extra], cwd=root)
    problems = []
    if payload["exit_status"] != 0:
        problems.append(f"pytest exited with status {payload['exit_status']}")
    tests = payload["tests"]
    for test in tests:
        if test["outcome"] != "passed":
            problems.append(f"{test['outcome']}: {test['nodeid']}: {test['message']}")
    by_stage: dict[int, list[dict]] = {}
    for test in tests:
        by_stage.setdefault(test["stage"], []).append(test)
    for stage in stages:
        if only and stage.number not in only:
            continue
        found = by_stage.get(stage.number, [])
        points = sum(t["points"] for t in found)
        if stage.ready and not found:
            problems.append(f"stage {stage.nn} is ready but has no tests")
        elif stage.ready and points != stage.points:
            problems.append(
                f"stage {stage.nn} tests carry {points} points but stages.toml says {stage.points}"
            )
        elif not stage.ready and found:
            problems.append(f"stage {stage.nn} is not ready but has {len(found)} tests")
    print(f"reference: {len(tests)} tests on solutions/ across {len(by_stage)} stages")
    for number in sorted(by_stage):
        found = by_stage[number]
        print(
            f"  stage {number:02d}: {len(found):4d} tests, {sum(t['points'] for t in found):4d} points"
        )
    if problems and payload["exit_status"] not in (0, 1):
        problems.append(payload["output"][-3000:])
    return problems


# ----------------------------------------------------------------------------- invariant 2


def check_stubs(root: Path, stage: Stage) -> tuple[list[str], str]:
    """Invariant 2 on the generated ``stages/NN_slug``: (problems, one-line summary)."""
    folder = root / "stages" / stage.dirname
    if not folder.is_dir():
        return [f"stages/{stage.dirname} does not exist: run scripts/build_stages.py"], ""
    payload = run_pytest(folder, [], cwd=root)
    problems = []
    graded = [t for t in payload["tests"] if t["stage"] == stage.number]
    earlier = [t for t in payload["tests"] if t["stage"] < stage.number]
    if not graded:
        problems.append("no graded tests were collected")
    for test in graded:
        name = _short(test["nodeid"])
        stub = find_stub(test["message"])
        if test["outcome"] not in ("failed", "error"):
            problems.append(f"graded test {test['outcome']} on the stubs: {name}")
        elif stub is None:
            problems.append(
                f"graded test fails for a reason other than a stage-{stage.nn} stub: {name}: "
                f"{test['message']}"
            )
        elif not stub.own or stub.stage != stage.number:
            problems.append(
                f"graded test {name} stops at {stub.name}, which is stage {stub.stage:02d}'s "
                f"work, not a stub of stage {stage.nn}: the test belongs to tests/stage_"
                f"{stub.stage:02d}"
            )
    for test in earlier:
        if test["outcome"] != "passed":
            problems.append(
                f"earlier-stage test {test['outcome']}: {_short(test['nodeid'])}: {test['message']}"
            )
    if payload["exit_status"] not in (0, 1):
        problems.append(
            f"pytest exited with status {payload['exit_status']}:\n{payload['output'][-3000:]}"
        )
    summary = f"{len(graded)} graded tests fail on their stubs, {len(earlier)} earlier tests pass"
    return problems, summary


# ----------------------------------------------------------------------------- invariant 3


def check_solved(root: Path, generator: Generator, stage: Stage) -> tuple[list[str], str]:
    """Invariant 3 on stage NN with its own work solved: (problems, one-line summary)."""
    with tempfile.TemporaryDirectory(prefix=f"tinytorch-solved-{stage.nn}-") as tmp:
        copy = Path(tmp)
        (copy / "shared").symlink_to(root / "shared", target_is_directory=True)
        shutil.copy2(root / "pyproject.toml", copy / "pyproject.toml")
        (copy / f"{PROBE}.py").write_text(PROBE_SOURCE, encoding="utf-8")
        folder = copy / "stages" / stage.dirname
        for rel, data in generator.solved_stage(stage.number, probe=PROBE).items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        reached_file = copy / "reached.json"
        env = {
            "PYTHONPATH": os.pathsep.join(filter(None, [tmp, os.environ.get("PYTHONPATH")])),
            "TINYTORCH_REACH_STAGE": str(stage.number),
            "TINYTORCH_REACH_OUT": str(reached_file),
        }
        payload = run_pytest(folder, ["-p", PROBE], cwd=copy, env=env)
        reached = (
            set(json.loads(reached_file.read_text(encoding="utf-8")))
            if reached_file.exists()
            else set()
        )
    problems = []
    tests = [t for t in payload["tests"] if t["stage"] <= stage.number]
    for test in tests:
        if test["outcome"] == "passed":
            continue
        name = _short(test["nodeid"])
        stub = find_stub(test["message"])
        if stub is not None and stub.stage > stage.number:
            problems.append(
                f"{name} needs stage {stub.stage:02d}: it stops at {stub.name}, which arrives "
                f"in stage {stub.stage:02d}; move the test to tests/stage_{stub.stage:02d} or "
                "keep it off that stage's code"
            )
        else:
            problems.append(
                f"{name} {test['outcome']} on stage {stage.nn} solved: {test['message']}"
            )
    stubs = generator.stubs_of(stage.number)
    unreached = [stub for stub in stubs if stub not in reached]
    for stub in unreached:
        problems.append(
            f"stub never reached by a stage-{stage.nn} test: {stub} (another stage's work "
            "missing its stage=NN marker, or a stub without a test)"
        )
    if payload["exit_status"] not in (0, 1):
        problems.append(
            f"pytest exited with status {payload['exit_status']}:\n{payload['output'][-3000:]}"
        )
    passed = sum(t["outcome"] == "passed" for t in tests)
    summary = (
        f"solved, {passed} of {len(tests)} tests pass and its tests reach "
        f"{len(stubs) - len(unreached)} of {len(stubs)} stubs"
    )
    return problems, summary


def check_stage(root: Path, generator: Generator, stage: Stage) -> tuple[Stage, list[str], str]:
    """Invariants 2 and 3 for one stage."""
    problems, summary = check_stubs(root, stage)
    solved_problems, solved_summary = check_solved(root, generator, stage)
    return stage, problems + solved_problems, f"{summary}; {solved_summary}"


# ----------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("reference", "invariant 1: every test passes on solutions/"),
        ("stubs", "invariants 2 and 3: each stage fails on its stubs and passes solved"),
    ):
        command = sub.add_parser(name, help=text)
        command.add_argument(
            "--stage", type=int, action="append", help="only this stage (repeatable)"
        )
        command.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    stages = load_manifest(root)
    only = set(args.stage or [])
    unknown = only - {s.number for s in stages if s.ready}
    if unknown:
        ready = ", ".join(s.nn for s in stages if s.ready)
        print(f"no ready stage {sorted(unknown)}; ready stages: {ready}", file=sys.stderr)
        return 2

    if args.command == "reference":
        problems = check_reference(root, stages, args.workers, only)
        for problem in problems:
            print(f"  FAIL {problem}")
        print(
            "invariant 1 holds"
            if not problems
            else f"invariant 1 is broken ({len(problems)} problems)"
        )
        return 1 if problems else 0

    chosen = [s for s in stages if s.ready and (not only or s.number in only)]
    try:
        generator = Generator(root)
        generator.build()
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    failed = 0
    with ThreadPoolExecutor(max_workers=max(1, args.workers)) as pool:
        results = pool.map(lambda stage: check_stage(root, generator, stage), chosen)
        for stage, problems, summary in results:
            status = "ok  " if not problems else "FAIL"
            print(f"{status} stage {stage.nn} {stage.title}: {summary}")
            for problem in problems:
                print(f"       {problem}")
            failed += bool(problems)
    print(
        "invariants 2 and 3 hold"
        if not failed
        else f"invariants 2 and 3 are broken in {failed} stage(s)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
