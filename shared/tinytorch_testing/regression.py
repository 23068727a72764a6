"""Re-run an earlier stage's test only when code it runs has changed since it last passed.

A stage run checks the stage's own tests (graded, always run) and, as regression checks,
every earlier stage's tests: did this stage's work break what came before? By stage 20
that is nineteen stages of tests, most of which never touch the code a learner edits in
this stage. So a local stage run remembers, for each regression check that passed, which
files of the ``tinytorch`` package its test function executed (and their contents), in
the file given as ``--regression-cache`` (e.g. ``.grade/regression-cache.json``). The next
run skips a check when

- none of those files changed (by content), and
- nothing outside function bodies changed in any file of the package (a new or deleted
  module, an import, a class attribute or a constant: those can reach any code, so they
  re-run every check), and
- the test file itself is unchanged.

Everything else runs. A check that failed is never skipped. CI (the ``CI`` environment
variable, set by GitHub Actions) and ``TINYTORCH_FULL_RUN=1`` always run every check, and
so does a run without ``--regression-cache``.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import sys
from pathlib import Path

import pytest

CACHE_NAME = "regression-cache.json"
FULL_RUN_ENV = "TINYTORCH_FULL_RUN"
_VERSION = 1


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _skeleton(source: bytes) -> str:
    """A hash of a module with every function body left out: what must stay the same for a
    change to be local to the functions that changed."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return _sha(source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.body = [ast.Expr(ast.Constant(...))]
    return _sha(ast.dump(tree).encode())


def package_state(package: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(content hash, skeleton hash) of every file of the package, by relative path."""
    files, skeletons = {}, {}
    for path in sorted(package.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        rel = path.relative_to(package).as_posix()
        data = path.read_bytes()
        files[rel] = _sha(data)
        skeletons[rel] = _skeleton(data) if rel.endswith(".py") else files[rel]
    return files, skeletons


class RegressionCache:
    """pytest plugin: skip unchanged regression checks locally, and record what ran."""

    def __init__(self, config: pytest.Config, graded_stage: int, stage_of) -> None:
        self.config, self.graded_stage, self.stage_of = config, graded_stage, stage_of
        path = config.getoption("regression_cache")
        self.path = Path(path) if path else None
        self.enabled = bool(self.path) and not os.environ.get("CI")
        self.enabled = self.enabled and os.environ.get(FULL_RUN_ENV, "") in ("", "0")
        # Importing the package runs learner code: only when the cache is in use.
        self.package = self._package() if self.enabled else None
        self.files, self.skeletons = package_state(self.package) if self.package else ({}, {})
        self.skipped: list[str] = []
        self.recorded: dict[str, dict] = {}
        self.failed: set[str] = set()
        self.cached = self._load()

    def _package(self) -> Path | None:
        try:
            import tinytorch
        except Exception:  # a broken package: nothing can be trusted, run everything
            return None
        return Path(tinytorch.__file__).resolve().parent

    def _load(self) -> dict:
        if not self.enabled or self.path is None or not self.path.is_file():
            return {}
        try:
            cache = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if cache.get("version") != _VERSION or cache.get("skeletons") != self.skeletons:
            return {}
        return cache

    def _is_regression(self, item: pytest.Item) -> bool:
        stage = self.stage_of(item.path)
        return stage is not None and stage < self.graded_stage

    def _unchanged(self, item: pytest.Item) -> bool:
        entry = self.cached.get("tests", {}).get(item.nodeid)
        if entry is None or self.package is None:
            return False
        if entry.get("test_file") != _sha(Path(item.path).read_bytes()):
            return False
        return all(self.files.get(rel) == sha for rel, sha in entry["deps"].items())

    # -- selection

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]):
        # The graded stage's own tests first: their results matter most, and they start
        # while a worker is free.
        items.sort(key=lambda item: self.stage_of(item.path) != self.graded_stage)
        if not self.cached:
            return
        keep, skip = [], []
        for item in items:
            (skip if self._is_regression(item) and self._unchanged(item) else keep).append(item)
        if skip:
            self.skipped = [item.nodeid for item in skip]
            config.hook.pytest_deselected(items=skip)
            items[:] = keep

    # -- recording

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item):
        if not (self.enabled and self.package and self._is_regression(item)):
            return (yield)
        package = str(self.package) + os.sep
        seen: set[str] = set()

        def on_call(frame, event, arg):
            filename = frame.f_code.co_filename
            if filename.startswith(package):
                seen.add(filename)
            return None  # no line tracing: only which files' functions run

        previous = sys.gettrace()
        sys.settrace(on_call)
        try:
            return (yield)
        finally:
            sys.settrace(previous)
            deps = sorted(Path(f).relative_to(self.package).as_posix() for f in seen)
            item.user_properties.append(("tt_deps", deps))
            item.user_properties.append(("tt_test_file", _sha(Path(item.path).read_bytes())))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        props = dict(report.user_properties)
        if report.failed:
            self.failed.add(report.nodeid)
        if report.when == "call" and "tt_deps" in props:
            self.recorded[report.nodeid] = {
                "deps": props["tt_deps"],
                "test_file": props["tt_test_file"],
            }

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if not self.enabled or self.path is None or hasattr(self.config, "workerinput"):
            return
        # Entries of checks that did not run this time (skipped here or, under pytest-xdist,
        # in the workers) stay while nothing they depend on has changed.
        root = Path(str(self.config.rootpath))
        tests, kept = {}, 0
        for nodeid, entry in self.cached.get("tests", {}).items():
            if nodeid in self.recorded or nodeid in self.failed:
                continue
            test_file = root / nodeid.split("::")[0]
            if not test_file.is_file() or entry["test_file"] != _sha(test_file.read_bytes()):
                continue
            if all(self.files.get(rel) == sha for rel, sha in entry["deps"].items()):
                tests[nodeid] = entry
                kept += 1
        self.not_run = kept
        for nodeid, entry in self.recorded.items():
            if nodeid not in self.failed:
                deps = {rel: self.files.get(rel, "") for rel in entry["deps"]}
                tests[nodeid] = {"test_file": entry["test_file"], "deps": deps}
        payload = {"version": _VERSION, "skeletons": self.skeletons, "tests": tests}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")

    def pytest_terminal_summary(self, terminalreporter) -> None:
        skipped = max(len(self.skipped), getattr(self, "not_run", 0))
        if skipped:
            terminalreporter.write_line(
                f"{skipped} regression checks of earlier stages skipped: nothing they run "
                f"changed since they last passed (CI and {FULL_RUN_ENV}=1 run all)"
            )
