#!/usr/bin/env python3
"""Check the two invariants that make the course trustworthy.

    python scripts/invariants.py reference          # nox -s verify
    python scripts/invariants.py stubs [--stage NN]  # nox -s stubs

1. ``reference``: on ``solutions/`` every stage's tests pass, and the points of each ready
   stage's tests add up to its total in ``stages.toml``.
2. ``stubs``: on each generated ``stages/NN_slug``, every stage-NN test FAILS because of a
   stub (a graded test that passes on a stub grades nothing; one that fails for another reason,
   such as an ImportError, is broken), and every earlier stage's test PASSES.

Each check runs pytest in a subprocess with the grading plugin's ``--results-json`` and reads
the outcomes from there.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from course import ROOT, Stage, load_manifest

#: The stub error every graded test must die of on its own stage.
STUB_ERROR = "NotImplementedError"


def run_pytest(target: Path, extra: list[str]) -> dict:
    """Run pytest on ``target``; return the plugin's results (plus pytest's own output)."""
    with tempfile.TemporaryDirectory() as tmp:
        results = Path(tmp) / "results.json"
        command = [
            sys.executable, "-m", "pytest", str(target), "-q", "--tb=line", "-p", "no:randomly",
            f"--results-json={results}", "--hypothesis-profile=ci", *extra,
        ]  # fmt: skip
        env = {**os.environ, "TINYTORCH_FULL_RUN": "1"}  # every regression check, every time
        proc = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, check=False, env=env
        )
        if not results.exists():
            raise RuntimeError(
                f"pytest on {target} wrote no results (exit {proc.returncode}):\n"
                f"{proc.stdout[-4000:]}{proc.stderr[-4000:]}"
            )
        payload = json.loads(results.read_text(encoding="utf-8"))
    payload["output"] = proc.stdout + proc.stderr
    return payload


def check_reference(stages: list[Stage], workers: int) -> list[str]:
    """Invariant 1, returned as a list of problems (empty when it holds)."""
    extra = ["-n", str(workers)] if workers > 1 else []
    payload = run_pytest(ROOT / "solutions" / "tests", extra)
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


def check_stub(stage: Stage) -> tuple[Stage, list[str], str]:
    """Invariant 2 for one generated stage."""
    folder = ROOT / "stages" / stage.dirname
    if not folder.is_dir():
        return (
            stage,
            [f"{folder.relative_to(ROOT)} does not exist: run scripts/build_stages.py"],
            "",
        )
    payload = run_pytest(folder, [])
    problems = []
    graded = [t for t in payload["tests"] if t["stage"] == stage.number]
    earlier = [t for t in payload["tests"] if t["stage"] < stage.number]
    if not graded:
        problems.append("no graded tests were collected")
    for test in graded:
        if test["outcome"] not in ("failed", "error"):
            problems.append(f"graded test {test['outcome']} on the stub: {test['nodeid']}")
        elif STUB_ERROR not in test["message"]:
            problems.append(
                f"graded test fails for a reason other than a stub: {test['nodeid']}: "
                f"{test['message']}"
            )
    for test in earlier:
        if test["outcome"] != "passed":
            problems.append(
                f"earlier-stage test {test['outcome']}: {test['nodeid']}: {test['message']}"
            )
    if payload["exit_status"] not in (0, 1):
        problems.append(
            f"pytest exited with status {payload['exit_status']}:\n{payload['output'][-3000:]}"
        )
    summary = f"{len(graded)} graded tests fail on the stubs, {len(earlier)} earlier tests pass"
    return stage, problems, summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ref = sub.add_parser("reference", help="every test passes on solutions/")
    ref.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    stubs = sub.add_parser("stubs", help="every graded test fails on its stage's stubs")
    stubs.add_argument("--stage", type=int, action="append", help="only this stage (repeatable)")
    stubs.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    stages = load_manifest(ROOT)

    if args.command == "reference":
        problems = check_reference(stages, args.workers)
        for problem in problems:
            print(f"  FAIL {problem}")
        print(
            "invariant 1 holds"
            if not problems
            else f"invariant 1 is broken ({len(problems)} problems)"
        )
        return 1 if problems else 0

    chosen = [s for s in stages if s.ready and (not args.stage or s.number in args.stage)]
    if not chosen:
        print("no ready stage matches", file=sys.stderr)
        return 2
    failed = 0
    with ThreadPoolExecutor(max_workers=max(1, args.workers)) as pool:
        for stage, problems, summary in pool.map(check_stub, chosen):
            status = "ok  " if not problems else "FAIL"
            print(f"{status} stage {stage.nn} {stage.title}: {summary}")
            for problem in problems:
                print(f"       {problem}")
            failed += bool(problems)
    print("invariant 2 holds" if not failed else f"invariant 2 is broken in {failed} stage(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
