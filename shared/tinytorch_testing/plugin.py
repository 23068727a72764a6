"""pytest plugin that turns a test run into gradable results.

Every graded test declares its worth with ``@pytest.mark.points(n)`` (optionally
``hint="what to look at when this fails"``). The plugin

- requires that marker on every test under a ``stage_NN`` folder (a test without points would
  silently grade nothing);
- knows which stage the folder being tested grades (the stage conftest sets
  ``TINYTORCH_STAGE``) and leaves out earlier stages' milestone runs, which are slow and were
  graded in their own stage;
- records each test's outcome, points, hint and Hypothesis's minimal failing example, and
  writes them to ``--results-json`` for ``ci/grade.py``.

Outcomes travel in ``report.user_properties``, so the plugin also works under pytest-xdist.
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.errors import InvalidArgument

from tinytorch_testing.budget import Budget
from tinytorch_testing.profiles import load_default_profile
from tinytorch_testing.regression import RegressionCache

load_default_profile()  # before Hypothesis reads --hypothesis-profile, which overrides it

_STAGE_DIR = re.compile(r"^stage_(\d{2})$")
_GRADED_STAGE = pytest.StashKey["int | None"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tinytorch", "tinytorch grading")
    group.addoption(
        "--results-json",
        metavar="PATH",
        default=None,
        help="write each test's outcome and points to PATH (read by ci/grade.py)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "points(n, hint=None): the points this graded test is worth, and a hint"
    )
    config.addinivalue_line(
        "markers", "milestone: a historical milestone run (graded in its own stage only)"
    )
    config.addinivalue_line(
        "markers",
        "time_limit(seconds, means=None): CPU seconds this graded test may use, and what "
        "running out of them most likely means (see tinytorch_testing.budget)",
    )
    config.stash[_GRADED_STAGE] = _find_graded_stage(config)
    config.pluginmanager.register(_Recorder(config), "tinytorch-recorder")
    config.pluginmanager.register(Budget(), "tinytorch-budget")
    if config.stash[_GRADED_STAGE] is not None:
        cache = RegressionCache(config, config.stash[_GRADED_STAGE], stage_of)
        config.pluginmanager.register(cache, "tinytorch-regression")


def _find_graded_stage(config: pytest.Config) -> int | None:
    """The stage a generated stage folder grades (from its conftest), else None."""
    for plugin in config.pluginmanager.get_plugins():
        stage = getattr(plugin, "TINYTORCH_STAGE", None)
        if isinstance(stage, int):
            return stage
    return None


def stage_of(path: Path) -> int | None:
    """The stage whose tests live in ``path`` (a ``stage_NN`` folder among its parents)."""
    for part in reversed(path.parts):
        match = _STAGE_DIR.match(part)
        if match:
            return int(match.group(1))
    return None


#: Hypothesis examples per property test when it runs as a regression check of an earlier
#: stage. That stage's own run used the full profile (25 in ``ci``); here the test only has to
#: notice that later work broke something, and most of a stage run's time is examples.
REGRESSION_EXAMPLES = 10


def _fewer_examples(item: pytest.Item) -> None:
    """Run a Hypothesis test of an earlier stage with ``REGRESSION_EXAMPLES`` examples.

    ``settings(...)`` starts from the loaded profile, so only the number of examples changes.
    """
    test = getattr(item, "obj", None)
    if hasattr(test, "hypothesis"):  # a @given test
        with contextlib.suppress(InvalidArgument):  # it chose its own settings: respect them
            settings(max_examples=REGRESSION_EXAMPLES)(test)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    graded_stage = config.stash[_GRADED_STAGE]
    missing, keep, dropped = [], [], []
    for item in items:
        stage = stage_of(item.path)
        if stage is not None and item.get_closest_marker("points") is None:
            missing.append(item.nodeid)
        if graded_stage is not None and stage is not None and stage < graded_stage:
            _fewer_examples(item)
        is_earlier_milestone = (
            graded_stage is not None
            and stage is not None
            and stage < graded_stage
            and item.get_closest_marker("milestone") is not None
        )
        (dropped if is_earlier_milestone else keep).append(item)
    if missing:
        raise pytest.UsageError(
            "every test of a stage must declare its points with @pytest.mark.points(n); "
            "missing on:\n  " + "\n  ".join(missing)
        )
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def pytest_runtest_setup(item: pytest.Item) -> None:
    marker = item.get_closest_marker("points")
    stage = stage_of(item.path)
    if marker is None or stage is None:
        return
    points = marker.args[0] if marker.args else marker.kwargs.get("n", 1)
    if not isinstance(points, int) or points < 1:
        raise pytest.UsageError(f"{item.nodeid}: points must be a positive integer, got {points!r}")
    doc = (getattr(item, "function", None).__doc__ or "").strip().splitlines()
    item.user_properties.extend(
        [
            ("tt_stage", stage),
            ("tt_points", points),
            ("tt_hint", marker.kwargs.get("hint") or ""),
            ("tt_doc", doc[0] if doc else ""),
            ("tt_milestone", item.get_closest_marker("milestone") is not None),
        ]
    )


_ERROR_PREFIX = re.compile(r"^E {1,7}", re.M)  # pytest marks exception lines with "E"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep Hypothesis's minimal failing input, which it attaches to the error as a note."""
    report = yield
    if report.failed and call.excinfo is not None:
        notes = getattr(call.excinfo.value, "__notes__", None) or []
        example = next((n for n in notes if _FALSIFYING.match(n)), "")
        if example:
            report.user_properties.append(("tt_example", example.strip()[:2000]))
    return report


# Hypothesis's minimal failing input; older releases say "Falsifying example".
_FALSIFYING = re.compile(
    r"^((?:Falsifying (?:explicit )?example|Failing test case):.*?)(?:\n\s*\n|\Z)", re.S | re.M
)


def _failure_details(report: pytest.TestReport) -> tuple[str, str]:
    """The error message (up to four lines, without Hypothesis's notes) and Hypothesis's
    minimal failing example, if any."""
    text = _ERROR_PREFIX.sub("", report.longreprtext or "")
    crash = getattr(report.longrepr, "reprcrash", None)
    message = crash.message if crash is not None else (text.strip().splitlines() or [""])[-1]
    example = _FALSIFYING.search(text)
    lines = []
    for line in message.strip().splitlines():
        if not line.strip() or _FALSIFYING.match(line):
            break  # Hypothesis appends its notes after the error itself
        lines.append(line.rstrip())
    return "\n".join(lines[:4])[:800], (example.group(1).strip()[:2000] if example else "")


class _Recorder:
    """Collects one entry per graded test from the reports (also those sent by xdist workers)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.results: dict[str, dict] = {}
        self.collection_errors: list[dict] = []

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            lines = [line for line in report.longreprtext.splitlines() if line.strip()]
            errors = [line.removeprefix("E").rstrip() for line in lines if line.startswith("E ")]
            detail = "\n".join(errors[-4:] or lines[-1:] or ["collection failed"])
            self.collection_errors.append({"nodeid": report.nodeid, "message": detail[:1000]})

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        props = dict(report.user_properties)
        if "tt_points" not in props:
            return
        entry = self.results.setdefault(
            report.nodeid,
            {
                "nodeid": report.nodeid,
                "stage": props["tt_stage"],
                "points": props["tt_points"],
                "hint": props["tt_hint"],
                "doc": props["tt_doc"],
                "milestone": props["tt_milestone"],
                "outcome": "passed",
                "message": "",
                "falsifying_example": "",
                "duration": 0.0,
            },
        )
        entry["duration"] += report.duration
        if report.failed and entry["outcome"] == "passed":
            entry["outcome"] = "failed" if report.when == "call" else "error"
            entry["message"], example = _failure_details(report)
            entry["falsifying_example"] = props.get("tt_example") or example
        elif report.skipped and entry["outcome"] == "passed":
            entry["outcome"] = "skipped"
            longrepr = report.longrepr
            entry["message"] = str(longrepr[-1]) if isinstance(longrepr, tuple) else ""

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        path = self.config.getoption("results_json")
        if not path or hasattr(self.config, "workerinput"):  # workers report to the controller
            return
        payload = {
            "graded_stage": self.config.stash[_GRADED_STAGE],
            "exit_status": int(session.exitstatus),
            "tests": sorted(self.results.values(), key=lambda e: e["nodeid"]),
            "collection_errors": self.collection_errors,
        }
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
