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

In a graded run (``ci/grade.py run``) the grader passes a one-time key through a file named by
``$TINYTORCH_GRADE_KEY_FILE``: the plugin reads and deletes it when it is imported, before any
learner code runs, and signs the results with it, so results written by anything else (a file
prepared in advance, an ``atexit`` hook) are rejected. The :mod:`.guard` snapshot taken at the
same moment reports trusted code (pytest, NumPy, these helpers) replaced during the run.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.errors import InvalidArgument

# The helpers the tests use, loaded before the guard's snapshot.
import tinytorch_testing.strategies  # noqa: F401
from tinytorch_testing.budget import Budget
from tinytorch_testing.guard import Guard
from tinytorch_testing.profiles import load_default_profile
from tinytorch_testing.regression import RegressionCache

load_default_profile()  # before Hypothesis reads --hypothesis-profile, which overrides it

#: Environment variable naming the file that holds a graded run's signing key.
KEY_FILE_ENV = "TINYTORCH_GRADE_KEY_FILE"


def _take_key() -> bytes | None:
    """Read and delete the signing key (graded runs only), before learner code can see it."""
    path = os.environ.pop(KEY_FILE_ENV, None)
    if not path:
        return None
    try:
        key = Path(path).read_bytes()
        Path(path).unlink()
    except OSError:
        return None
    return key or None


_KEY = _take_key()
_GUARD = Guard()


def canonical(payload: dict) -> bytes:
    """The bytes a results signature covers (ci/grade.py computes the same)."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign(payload: dict, key: bytes) -> str:
    return hmac.new(key, canonical(payload), hashlib.sha256).hexdigest()


def first_sentence(doc: str | None) -> str:
    """The whole first sentence of a docstring (its first paragraph up to the first full stop)."""
    paragraph = " ".join((doc or "").strip().split("\n\n", 1)[0].split())
    match = re.search(r"^(.+?[.!?])(?=\s|$)", paragraph)
    return match.group(1) if match else paragraph


_STAGE_DIR = re.compile(r"^stage_(\d{2})$")
_GRADED_STAGE = pytest.StashKey["int | None"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tinytorch", "tinytorch grading")
    group.addoption(
        "--regression-cache",
        metavar="PATH",
        default=None,
        help="skip earlier stages' checks whose code is unchanged since they passed, "
        "remembered in PATH (tinytorch_testing.regression; ignored when $CI is set)",
    )
    group.addoption(
        "--results-json",
        metavar="PATH",
        default=None,
        help="write each test's outcome and points to PATH (read by ci/grade.py)",
    )
    group.addoption(
        "--tinytorch-stage",
        metavar="NN",
        type=int,
        default=None,
        help="the stage this run grades (default: TINYTORCH_STAGE of the stage's conftest.py)",
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
    """The stage a run grades (from --tinytorch-stage or the stage's conftest), else None."""
    if config.getoption("tinytorch_stage", None) is not None:
        return config.getoption("tinytorch_stage")
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
    doc = first_sentence(getattr(item, "function", None).__doc__)
    item.user_properties.extend(
        [
            ("tt_stage", stage),
            ("tt_points", points),
            ("tt_hint", marker.kwargs.get("hint") or ""),
            ("tt_doc", doc),
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
        draws = [n.strip() for n in notes if _DRAW.match(n)]  # values drawn inside the test
        if example and draws:
            example = "\n".join([example.strip(), *draws])
        if example:
            report.user_properties.append(("tt_example", example.strip()[:2000]))
    return report


# Hypothesis's minimal failing input; older releases say "Falsifying example".
#: Values a test drew with ``data.draw(...)``; Hypothesis adds one "Draw n: ..." note each.
_DRAW = re.compile(r"^Draw \d+(?: \([^)]*\))?: ")
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
        self.tampering: list[str] = []
        self.hooks: dict[str, list] = {}

    def _hook_impls(self) -> dict[str, list]:
        return {
            name: [(impl.plugin_name, impl.function) for impl in caller.get_hookimpls()]
            for name, caller in vars(self.config.pluginmanager.hook).items()
            if name.startswith("pytest_") and hasattr(caller, "get_hookimpls")
        }

    def _check(self, when: str) -> None:
        """Record trusted code replaced, or hooks added, since the run started."""
        found = [f"replaced {name}" for name in _GUARD.changes()]
        now = self._hook_impls()
        for name, impls in now.items():
            for impl in impls:
                if impl not in self.hooks.get(name, []):
                    found.append(f"added hook {name} from {impl[0]}")
        for problem in found:
            message = f"{problem} ({when})"
            if not any(p.startswith(problem + " (") for p in self.tampering):
                self.tampering.append(message)

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection(self, session: pytest.Session) -> None:
        """Before any test module (and so any learner code) is imported, after every plugin
        has set itself up (Hypothesis and pytest patch a few of their own functions then)."""
        _GUARD.__init__()
        self.hooks = self._hook_impls()

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self._check("after importing the tests")

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
        for problem in props.get("tt_tampering", ()):
            if problem not in self.tampering:  # found by an xdist worker
                self.tampering.append(problem)
        if report.failed and entry["outcome"] == "passed":
            entry["outcome"] = "failed" if report.when == "call" else "error"
            entry["message"], example = _failure_details(report)
            entry["falsifying_example"] = props.get("tt_example") or example
        elif report.skipped and entry["outcome"] == "passed":
            entry["outcome"] = "skipped"
            longrepr = report.longrepr
            entry["message"] = str(longrepr[-1]) if isinstance(longrepr, tuple) else ""

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_teardown(self, item: pytest.Item, nextitem: pytest.Item | None) -> None:
        """An xdist worker checks every few tests and after its last one, and tells the
        controller through the report (a full check costs about 20 ms)."""
        if hasattr(self.config, "workerinput"):
            self._worker_tests = getattr(self, "_worker_tests", 0) + 1
            if nextitem is None or self._worker_tests % 20 == 0:
                self._check("in a worker")
            if self.tampering:
                item.user_properties.append(("tt_tampering", list(self.tampering)))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        path = self.config.getoption("results_json")
        if not path or hasattr(self.config, "workerinput"):  # workers report to the controller
            return
        self._check("at the end of the run")
        payload = {
            "graded_stage": self.config.stash[_GRADED_STAGE],
            "exit_status": int(session.exitstatus),
            "tests": sorted(self.results.values(), key=lambda e: e["nodeid"]),
            "collection_errors": self.collection_errors,
            "tampering": self.tampering,
        }
        if _KEY is not None:
            payload["signature"] = sign(payload, _KEY)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
