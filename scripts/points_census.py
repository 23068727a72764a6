"""Count each stage's points the way the grader will: from pytest's own collection.

The generator calls :func:`check_points` before it writes anything, so a stage whose tests do
not add up to its ``points`` in ``stages.toml`` never reaches a README, a workflow's
``max-score`` or the Classroom configuration. Points count per collected test case: a test
parametrized over three cases with ``@pytest.mark.points(2)`` is worth 6.

This module is also the pytest plugin of that collect-only run (``-p points_census``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

_STAGE_DIR = re.compile(r"^stage_(\d{2})$")
_OUT = "TINYTORCH_POINTS_OUT"


def pytest_collection_finish(session: pytest.Session) -> None:
    """Write ``[[nodeid, stage, points], ...]`` for every collected test of a stage folder."""
    census = []
    for item in session.items:
        stages = [int(m.group(1)) for part in item.path.parts if (m := _STAGE_DIR.match(part))]
        marker = item.get_closest_marker("points")
        if not stages:
            continue
        points = None if marker is None else (marker.args or [marker.kwargs.get("n")])[0]
        census.append([item.nodeid, stages[-1], points])
    Path(os.environ[_OUT]).write_text(json.dumps(census), encoding="utf-8")


def check_points(
    root: Path, stages, expected: dict[int, dict[str, dict]] | None = None
) -> tuple[list[str], str]:
    """(problems, note) after counting the points of ``solutions/tests`` stage by stage.

    ``expected`` is the generator's reading of each stage's tests (``{stage: {"tests/stage_NN/
    test_x.py::test_y": {"points": p, "cases": c}}}``, what the grader will score against): it
    must agree with pytest's collection case for case. The note says when the count could not
    run (this Python has no pytest).
    """
    if importlib.util.find_spec("pytest") is None or importlib.util.find_spec("numpy") is None:
        return (
            [],
            "points not counted: this Python lacks pytest or NumPy (`nox -s sync` counts them)",
        )
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "census.json"
        env = {
            **os.environ,
            _OUT: str(out),
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(Path(__file__).parent), os.environ.get("PYTHONPATH")])
            ),
        }
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "solutions/tests", "--collect-only", "-q",
             "-p", "points_census", "-p", "no:randomly", "-p", "no:cacheprovider"],
            cwd=root, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if proc.returncode not in (0, 5) or not out.exists():
            tail = (proc.stdout + proc.stderr).strip().splitlines()[-15:]
            return ["collecting solutions/tests failed:", *tail], ""
        census = json.loads(out.read_text(encoding="utf-8"))
    problems = []
    totals: dict[int, int] = {}
    collected: dict[int, dict[str, dict]] = {}
    for nodeid, stage, points in census:
        if not isinstance(points, int) or isinstance(points, bool) or points < 1:
            problems.append(f"{nodeid}: points must be a positive integer, got {points!r}")
            continue
        totals[stage] = totals.get(stage, 0) + points
        key = nodeid.split("[", 1)[0].removeprefix("solutions/")
        entry = collected.setdefault(stage, {}).setdefault(key, {"points": points, "cases": 0})
        entry["cases"] += 1
    for number, tests in sorted((expected or {}).items()):
        for key in sorted(set(tests) | set(collected.get(number, {}))):
            read, found = tests.get(key), collected.get(number, {}).get(key)
            if (
                read is None
                or found is None
                or (read["points"], read["cases"]) != (found["points"], found["cases"])
            ):
                problems.append(
                    f"{key}: the generator reads {_cases(read)} but pytest collects "
                    f"{_cases(found)} (write the parametrize list as a literal list)"
                )
    for stage in stages:
        found = totals.get(stage.number, 0)
        if stage.ready and found != stage.points:
            problems.append(
                f"stage {stage.nn}: its tests carry {found} points (each parametrized case "
                f"counts) but stages.toml says points = {stage.points}"
            )
    return problems, ""


def _cases(entry: dict | None) -> str:
    return "no such test" if entry is None else f"{entry['cases']} case(s) of {entry['points']}"
