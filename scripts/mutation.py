#!/usr/bin/env python3
"""Mutation testing of one stage: do its graded tests notice when the learner's code is wrong?

    python scripts/mutation.py 05             # nox -s mutation -- 05
    python scripts/mutation.py 05 --list      # only list the mutants

Every mutant is one small change to one line inside a ``# BEGIN SOLUTION`` block of stage NN
(the code a stage-NN learner writes), of the kind a learner really makes: ``<`` for ``<=``,
``+`` for ``-``, ``max`` for ``min``, ``n + 1`` for ``n``, ``and`` for ``or``, a dropped
``not``, a forgotten in-place update. Code outside those blocks (given code, other stages'
work, error messages) is never mutated. Each mutant runs against stage NN's graded tests on
a copy of ``solutions/``; a mutant is *killed* when some test fails (or times out), and
*survives* when all of them pass. A survivor is either a gap in the tests or an
*equivalent* mutant: a change that cannot alter behaviour (``x > 0`` for ``x >= 0`` where
``x`` is never 0 is not one of those; ``max(a, b)`` for ``max(b, a)`` is). Reviewed
equivalent mutants are listed, with the reason, in ``solutions/mutation-equivalents.toml``.

How it stays fast (about a minute per stage on 2 idle cores):
- pytest collects the stage's tests once, which imports the reference package once;
- one instrumented run records which tests execute which lines; a mutant runs only the
  tests that reach its line, fastest first, and stops at the first failure;
- every mutant runs in a process forked from that collected session: the child swaps the
  mutated function's compiled code into the live function (``function.__code__``), so no
  file is written and nothing is imported again;
- milestone tests (whole training runs) are left out unless ``--milestones`` is given.

mutmut (3.8) was the alternative: it mutates whole functions through trampolines and can
only be narrowed by ``# pragma: no mutate`` comments on every line outside a block, written
into the sources; the solution blocks are the unit here, so this small runner mutates
exactly them. It needs nothing beyond the test dependencies, and POSIX ``fork``.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import signal
import sys
import tempfile
import time
import types
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from course import ROOT, SOLUTIONS, load_manifest
from markers import _function_names, parse_blocks

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

EQUIVALENTS = ROOT / SOLUTIONS / "mutation-equivalents.toml"
TARGET = 0.90  # the share of non-equivalent mutants a stage's tests should kill


# ---------------------------------------------------------------------------- mutants


@dataclass
class Mutant:
    rel: str  # module path under solutions/, e.g. tinytorch/ops/loss.py
    function: str  # qualified name of the enclosing function
    line: int  # 1-based line of the change
    lines: tuple[int, int]  # the lines the mutated node spans
    before: str  # the original code of the node
    after: str  # its replacement
    start: int = 0  # byte offsets of the replaced span in the module
    end: int = 0
    key: str = ""  # stable identity: file, function, change, occurrence
    target: str = ""  # the module- or class-level function whose code is swapped
    target_line: int = 0  # its first line (the first decorator's, if any)
    status: str = ""  # killed | survived | timeout | no-tests | equivalent
    tests_run: int = 0
    killed_by: str = ""
    seconds: float = 0.0

    def describe(self) -> str:
        return f"{self.rel}:{self.line} {self.function}: {self.before}  ->  {self.after}"


_BINOP_SWAPS = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div, ast.Pow: ast.Mult, ast.Mod: ast.FloorDiv, ast.MatMult: ast.Mult,
}  # fmt: skip
_COMPARE_SWAPS = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}  # fmt: skip
_NAME_SWAPS = {
    "maximum": "minimum", "minimum": "maximum", "max": "min", "min": "max",
    "argmax": "argmin", "argmin": "argmax", "any": "all", "all": "any", "floor": "ceil",
    "ceil": "floor", "sum": "mean", "mean": "sum",
}  # fmt: skip


def _unparse(node: ast.AST) -> str:
    return ast.unparse(node).replace("\n", " ")


def _variants(node: ast.AST) -> list[ast.AST | str]:
    """Mutated copies of ``node`` (or replacement source text for a deleted statement)."""
    out: list[ast.AST | str] = []
    if isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in _BINOP_SWAPS:
        mutated = copy.deepcopy(node)
        mutated.op = _BINOP_SWAPS[type(node.op)]()
        out.append(mutated)
    if isinstance(node, ast.AugAssign) or (
        isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
    ):
        out.append("pass")  # a forgotten in-place update or call
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in _COMPARE_SWAPS:
                mutated = copy.deepcopy(node)
                mutated.ops[i] = _COMPARE_SWAPS[type(op)]()
                out.append(mutated)
    if isinstance(node, ast.BoolOp):
        mutated = copy.deepcopy(node)
        mutated.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        out.append(mutated)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
        out.append(copy.deepcopy(node.operand))
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool):
            out.append(ast.Constant(not value))
        elif isinstance(value, int):
            out.append(ast.Constant(value + 1))
            if value != 0:
                out.append(ast.Constant(0))
        elif isinstance(value, float):
            out.append(ast.Constant(value * 2 if value else 1.0))
    if isinstance(node, ast.Name) and node.id in _NAME_SWAPS:
        out.append(ast.Name(_NAME_SWAPS[node.id], node.ctx))
    if isinstance(node, ast.Attribute) and node.attr in _NAME_SWAPS:
        mutated = copy.deepcopy(node)
        mutated.attr = _NAME_SWAPS[node.attr]
        out.append(mutated)
    return out


def _skipped_spans(tree: ast.AST) -> list[ast.AST]:
    """Nodes whose insides are never mutated: error messages, f-strings, docstrings."""
    skipped = []
    for node in ast.walk(tree):
        message = isinstance(node, ast.Call) and _unparse(node.func).endswith(("warn", "print"))
        if message or isinstance(node, (ast.Raise, ast.JoinedStr)):
            skipped.append(node)
    return skipped


def _inside(node: ast.AST, outer: ast.AST) -> bool:
    return (outer.lineno, outer.col_offset) <= (node.lineno, node.col_offset) and (
        node.end_lineno,
        node.end_col_offset,
    ) <= (outer.end_lineno, outer.end_col_offset)


def stage_block_lines(stage: int) -> dict[str, set[int]]:
    """{module: 1-based code lines} of every SOLUTION block that is stage ``stage``'s work."""
    stages = load_manifest(ROOT)
    found: dict[str, set[int]] = {}
    for owner in stages:
        for rel in owner.modules:
            if not rel.endswith(".py"):
                continue
            lines = (ROOT / SOLUTIONS / rel).read_text(encoding="utf-8").splitlines()
            blocks = parse_blocks(rel, lines, owner.number, len(stages))
            solution = [
                b for top in blocks for b in ([top] if top.kind == "SOLUTION" else top.children)
            ]
            for block in solution:
                if block.stage == stage:
                    found.setdefault(rel, set()).update(range(block.begin + 2, block.end + 1))
    return found


def find_mutants(stage: int) -> list[Mutant]:
    mutants: list[Mutant] = []
    for rel, block_lines in sorted(stage_block_lines(stage).items()):
        source = (ROOT / SOLUTIONS / rel).read_text(encoding="utf-8")
        encoded = source.encode("utf-8")
        starts = [0]
        for line in encoded.splitlines(keepends=True):
            starts.append(starts[-1] + len(line))
        tree = ast.parse(source)
        spans = _function_names(tree, from_decorators=True)
        skipped = _skipped_spans(tree)
        seen: dict[str, int] = {}
        nodes = [n for n in ast.walk(tree) if hasattr(n, "end_lineno")]
        for node in sorted(nodes, key=lambda n: (n.lineno, n.col_offset, -n.end_lineno)):
            if not hasattr(node, "end_lineno") or node.lineno not in block_lines:
                continue
            if node.end_lineno not in block_lines or any(_inside(node, s) for s in skipped):
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                continue
            start = starts[node.lineno - 1] + node.col_offset
            end = starts[node.end_lineno - 1] + node.end_col_offset
            enclosing = sorted((s, name) for s, e, name in spans if s <= node.lineno <= e)
            function = enclosing[-1][1]  # the innermost function, for the description
            target_line, target = enclosing[0]  # the outermost one, whose code is swapped
            before = encoded[start:end].decode("utf-8")
            for variant in _variants(node):
                if isinstance(variant, str):
                    after = variant
                elif isinstance(node, (ast.expr,)):
                    after = f"({_unparse(variant)})"
                else:
                    after = _unparse(variant)
                mutated = encoded[:start] + after.encode("utf-8") + encoded[end:]
                try:
                    compile(mutated, rel, "exec")
                except SyntaxError:
                    continue
                change = f"{' '.join(before.split())} -> {after}"
                base = f"{rel}::{function}: {change}"
                seen[base] = seen.get(base, 0) + 1
                key = base if seen[base] == 1 else f"{base} #{seen[base]}"
                mutants.append(
                    Mutant(
                        rel,
                        function,
                        node.lineno,
                        (node.lineno, node.end_lineno),
                        " ".join(before.split()),
                        after,
                        start,
                        end,
                        key,
                        target=target,
                        target_line=target_line,
                    )
                )
    mutants.sort(key=lambda m: (m.rel, m.start, m.key))
    return mutants


def load_equivalents(stage: int) -> dict[str, str]:
    """Reviewed equivalent mutants of ``stage``: {key: why it cannot change behaviour}."""
    if not EQUIVALENTS.is_file():
        return {}
    data = tomllib.loads(EQUIVALENTS.read_text(encoding="utf-8"))
    return {e["mutant"]: e["why"] for e in data.get(f"stage-{stage:02d}", [])}


# ---------------------------------------------------------------------------- running


def _module_name(rel: str) -> str:
    name = rel.removesuffix(".py").replace("/", ".")
    return name.removesuffix(".__init__")


def _find_code(code: types.CodeType, path: list[str], firstlineno: int):
    """The code object of the function ``path`` (class and function names) defined at
    ``firstlineno`` among the constants of a compiled module."""
    for const in code.co_consts:
        if not isinstance(const, types.CodeType) or const.co_name != path[0]:
            continue
        if len(path) == 1:
            if const.co_firstlineno == firstlineno:
                return const
        else:
            found = _find_code(const, path[1:], firstlineno)
            if found is not None:
                return found
    return None


def _live_function(module, path: list[str], firstlineno: int):
    """The function object ``path`` of an imported module (unwrapping properties,
    staticmethods, classmethods and decorators), defined at ``firstlineno``."""
    owner = module
    for part in path[:-1]:
        owner = vars(owner)[part]
    candidates = [vars(owner).get(path[-1])]
    seen = []
    while candidates:
        obj = candidates.pop()
        if obj is None or any(obj is s for s in seen):
            continue
        seen.append(obj)
        code = getattr(obj, "__code__", None)
        if code is not None and code.co_firstlineno == firstlineno:
            return obj
        for attr in ("fget", "fset", "fdel", "__func__", "__wrapped__"):
            candidates.append(getattr(obj, attr, None))
    # a property setter shares its getter's name: look at every property of the class
    for obj in vars(owner).values():
        for attr in ("fget", "fset", "fdel"):
            function = getattr(obj, attr, None) if isinstance(obj, property) else None
            code = getattr(function, "__code__", None)
            if code is not None and code.co_firstlineno == firstlineno and code.co_name == path[-1]:
                return function
    return None


def apply_in_process(mutant: Mutant) -> None:
    """Swap the mutated function's code into the already imported module (in a child)."""
    path = ROOT / SOLUTIONS / mutant.rel
    original = path.read_bytes()
    mutated = original[: mutant.start] + mutant.after.encode("utf-8") + original[mutant.end :]
    compiled = compile(mutated, str(path), "exec")
    parts = mutant.target.split(".")
    code = _find_code(compiled, parts, mutant.target_line)
    module = sys.modules[_module_name(mutant.rel)]
    function = _live_function(module, parts, mutant.target_line)
    if code is None or function is None:
        raise LookupError(f"cannot find {mutant.target} (line {mutant.target_line})")
    if code.co_freevars == function.__code__.co_freevars:
        function.__code__ = code
        return
    # The mutant uses other closure variables (e.g. it dropped the only super() call, and
    # with it the __class__ cell): put a new function with matching cells in its place.
    cells = dict(zip(function.__code__.co_freevars, function.__closure__ or (), strict=True))
    closure = tuple(cells.get(name, types.CellType()) for name in code.co_freevars)
    replacement = types.FunctionType(
        code, function.__globals__, function.__name__, function.__defaults__, closure
    )
    replacement.__kwdefaults__ = function.__kwdefaults__
    owner = module
    for part in parts[:-1]:
        owner = vars(owner)[part]
    if vars(owner).get(parts[-1]) is not function:
        raise LookupError(f"cannot replace the decorated {mutant.target}")
    setattr(owner, parts[-1], replacement)


def _run_items(items, stop_at_first_failure: bool = True) -> tuple[str, dict]:
    """Run pytest items without reporting; return the first failing node id (or "")."""
    from _pytest.runner import runtestprotocol

    durations = {}
    failed = ""
    for item in items:
        started = time.perf_counter()
        reports = runtestprotocol(item, log=False, nextitem=None)
        durations[item.nodeid] = time.perf_counter() - started
        if any(r.failed for r in reports) and not failed:
            failed = item.nodeid
            if stop_at_first_failure:
                break
    return failed, durations


def _fork(run) -> int:
    """Fork; the child runs ``run()`` with its output silenced and exits with its status."""
    pid = os.fork()
    if pid:
        return pid
    code = 3
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        code = run()
    finally:
        os._exit(code)


class Runner:
    """A pytest plugin that replaces the test loop: after collection (which imported the
    reference package once), it records coverage, then runs each mutant in a fork."""

    def __init__(self, mutants: list[Mutant], lines: dict[str, set[int]], workers: int) -> None:
        self.mutants, self.lines, self.workers = mutants, lines, max(1, workers)
        self.problem = ""

    def pytest_runtestloop(self, session) -> bool:
        items = list(session.items)
        if not items:
            self.problem = "no tests were collected"
            return True
        coverage = self._coverage(items)
        if coverage is None:
            return True
        self._run_mutants(items, coverage)
        return True

    def _coverage(self, items) -> dict | None:
        wanted = {str(ROOT / SOLUTIONS / rel): rel for rel in self.lines}
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            out = Path(handle.name)

        def run() -> int:
            hits: dict[str, set] = {}
            current = [""]

            def local(frame, event, arg):
                if event == "line":
                    hits.setdefault(current[0], set()).add(
                        (wanted[frame.f_code.co_filename], frame.f_lineno)
                    )
                return local

            def trace(frame, event, arg):
                return local if frame.f_code.co_filename in wanted else None

            failed, durations = "", {}
            sys.settrace(trace)
            for item in items:
                current[0] = item.nodeid
                one_failed, one = _run_items([item])
                failed = failed or one_failed
                durations.update(one)
            sys.settrace(None)
            payload = {
                "failed": failed,
                "durations": durations,
                "hits": {n: sorted(hits.get(n, ())) for n in durations},
            }
            out.write_text(json.dumps(payload), encoding="utf-8")
            return 0

        os.waitpid(_fork(run), 0)
        try:
            payload = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.problem = "the instrumented test run crashed before writing its results"
            return None
        finally:
            out.unlink(missing_ok=True)
        if payload["failed"]:
            self.problem = f"{payload['failed']} fails on the unmutated reference; fix that first"
            return None
        return payload

    def _run_mutants(self, items, coverage: dict) -> None:
        by_id = {item.nodeid: item for item in items}
        duration = coverage["durations"]
        by_line: dict[tuple[str, int], set[str]] = {}
        for test, hits in coverage["hits"].items():
            for rel, line in hits:
                by_line.setdefault((rel, line), set()).add(test)
        queue = list(self.mutants)
        running: dict[int, tuple[Mutant, float, float]] = {}
        while queue or running:
            while queue and len(running) < self.workers:
                mutant = queue.pop(0)
                tests = sorted(
                    {t for line in range(mutant.lines[0], mutant.lines[1] + 1)
                     for t in by_line.get((mutant.rel, line), ())},
                    key=lambda t: duration[t],
                )  # fmt: skip
                mutant.tests_run = len(tests)
                if not tests:
                    mutant.status = "no-tests"
                    continue
                selected = [by_id[t] for t in tests]

                def run(mutant=mutant, selected=selected) -> int:
                    try:
                        apply_in_process(mutant)
                    except Exception:
                        return 4
                    failed, _ = _run_items(selected)
                    return 1 if failed else 0

                budget = 10.0 + 5 * sum(duration[t] for t in tests)
                running[_fork(run)] = (mutant, time.monotonic(), budget)
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                now = time.monotonic()
                for child, (mutant, started, budget) in running.items():
                    if now - started > budget and mutant.status != "timeout":
                        os.kill(child, signal.SIGKILL)
                        mutant.status = "timeout"
                time.sleep(0.005)
                continue
            mutant, started, _ = running.pop(pid)
            mutant.seconds = round(time.monotonic() - started, 2)
            if mutant.status == "timeout":
                continue
            code = os.waitstatus_to_exitcode(status)
            mutant.status = {0: "survived", 1: "killed"}.get(code, f"error (exit {code})")


def run_stage(stage: int, mutants: list[Mutant], workers: int, milestones: bool) -> str:
    """Collect stage ``stage``'s tests on solutions/ and run every mutant against them."""
    import pytest

    runner = Runner(mutants, stage_block_lines(stage), workers)
    args = [
        str(ROOT / SOLUTIONS / f"tests/stage_{stage:02d}"), "-q", "-p", "no:cacheprovider",
        "-p", "no:randomly", "-p", "no:xdist", "--hypothesis-profile=ci", "--timeout=0",
        "--rootdir", str(ROOT), "-c", str(ROOT / "pyproject.toml"),
    ]  # fmt: skip
    if not milestones:
        args += ["-m", "not milestone"]
    code = pytest.main(args, plugins=[runner])
    if runner.problem:
        return runner.problem
    if code not in (0, pytest.ExitCode.OK):
        return f"pytest exited with {code!r} while collecting stage {stage:02d}'s tests"
    return ""


# ---------------------------------------------------------------------------- report


def summarize(stage: int, mutants: list[Mutant], equivalents: dict[str, str]) -> dict:
    for mutant in mutants:
        if mutant.status in ("survived", "no-tests") and mutant.key in equivalents:
            mutant.status = "equivalent"
    total = len(mutants)
    killed = sum(m.status in ("killed", "timeout") for m in mutants)
    equivalent = sum(m.status == "equivalent" for m in mutants)
    scored = total - equivalent
    score = killed / scored if scored else 1.0
    killed_keys = {m.key for m in mutants if m.status in ("killed", "timeout")}
    stale = sorted((set(equivalents) - {m.key for m in mutants}) | (set(equivalents) & killed_keys))
    return {
        "stage": stage,
        "mutants": total,
        "killed": killed,
        "equivalent": equivalent,
        "survived": [m.key for m in mutants if m.status in ("survived", "no-tests")],
        "errors": [m.key for m in mutants if m.status.startswith("error")],
        "score": round(score, 4),
        "raw_score": round(killed / total, 4) if total else 1.0,
        "stale_equivalents": stale,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stage", type=int, help="the stage whose SOLUTION blocks are mutated")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--milestones", action="store_true", help="also run milestone tests")
    parser.add_argument("--only", default="", help="only mutants whose description has this")
    parser.add_argument("--json", type=Path, help="write the results there")
    parser.add_argument(
        "--again",
        type=Path,
        metavar="JSON",
        help="re-run only the mutants this earlier --json result did not kill (the killed "
        "ones, matched by key, count as killed: tests were only added since)",
    )
    args = parser.parse_args(argv)

    mutants = [m for m in find_mutants(args.stage) if args.only in m.describe()]
    earlier_kills: list[Mutant] = []
    if args.again:
        earlier = json.loads(args.again.read_text(encoding="utf-8"))
        killed = {m["key"] for m in earlier["all"] if m["status"] in ("killed", "timeout")}
        earlier_kills = [m for m in mutants if m.key in killed]  # unchanged code, more tests
        for mutant in earlier_kills:
            mutant.status = "killed"
        mutants = [m for m in mutants if m.key not in killed]
    if args.list:
        for mutant in mutants:
            print(mutant.describe())
        print(f"{len(mutants)} mutants in stage {args.stage:02d}'s solution blocks")
        return 0
    if not mutants and not earlier_kills:
        print(f"stage {args.stage:02d} has no solution blocks to mutate", file=sys.stderr)
        return 1
    equivalents = load_equivalents(args.stage)
    started = time.monotonic()
    problem = run_stage(args.stage, mutants, args.workers, args.milestones) if mutants else ""
    if problem:
        print(
            f"mutation testing of stage {args.stage:02d} could not run: {problem}", file=sys.stderr
        )
        return 2
    mutants = sorted(earlier_kills + mutants, key=lambda m: (m.rel, m.start, m.key))
    result = summarize(args.stage, mutants, equivalents)
    seconds = time.monotonic() - started

    for mutant in mutants:
        if mutant.status in ("survived", "no-tests") or mutant.status.startswith("error"):
            print(f"{mutant.status:>9}  {mutant.describe()}")
    for key in result["stale_equivalents"]:
        print(f"    stale  listed as equivalent, but killed or gone: {key}")
    scored = result["mutants"] - result["equivalent"]
    print(
        f"stage {args.stage:02d}: {result['killed']}/{scored} mutants killed "
        f"({100 * result['score']:.1f} %; {result['equivalent']} reviewed as equivalent, "
        f"{len(result['survived'])} survived; {result['mutants']} in all, raw "
        f"{100 * result['raw_score']:.1f} %) in {seconds:.0f} s"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {**result, "seconds": round(seconds, 1), "all": [asdict(m) for m in mutants]}
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    if result["errors"]:
        return 2
    return 0 if result["score"] >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
