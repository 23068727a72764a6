"""The graded tests a stage is expected to run, read from the test sources without running them.

The grader scores a stage against this list (recorded in ``ci/manifest.json``), never against
whatever a test run happens to report: a test that did not run counts as failed, and a test
nobody expected earns nothing. Each entry is one test function, ``tests/stage_NN/test_x.py::
test_y``, with its points per case and its number of cases (the product of the lengths of its
``@pytest.mark.parametrize`` lists; ``scripts/tests/test_expected_tests.py`` checks the counts against
pytest's own collection).
"""

from __future__ import annotations

import ast
from pathlib import Path

from course import BuildError


def _module_constants(tree: ast.Module) -> dict[str, ast.expr]:
    constants = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                constants[target.id] = node.value
    return constants


def _length(node: ast.expr, constants: dict[str, ast.expr]) -> int | None:
    """Number of parameter sets in a parametrize argument, or None when it cannot be read."""
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return len(node.elts)
    if isinstance(node, ast.Dict):
        return len(node.keys)
    if isinstance(node, ast.Name) and node.id in constants:
        return _length(constants[node.id], constants)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("list", "tuple", "sorted", "set")
        and len(node.args) == 1
    ):
        return _length(node.args[0], constants)
    if isinstance(node, ast.ListComp) and len(node.generators) == 1:
        generator = node.generators[0]
        return None if generator.ifs else _length(generator.iter, constants)
    return None


def expected_tests(path: Path, rel: str) -> dict[str, dict]:
    """``{"rel::test_name": {"points": p, "cases": c}}`` for each graded test in a test file
    (plus ``"milestone": true`` for a milestone run, which later stages do not repeat)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = _module_constants(tree)
    found = {}
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if not node.name.startswith("test"):
            continue
        points, cases, milestone = None, 1, False
        for decorator in node.decorator_list:
            if ast.unparse(decorator).endswith("mark.milestone"):
                milestone = True
            if not isinstance(decorator, ast.Call):
                continue
            name = ast.unparse(decorator.func)
            if name.endswith("mark.points") and decorator.args:
                value = decorator.args[0]
                points = value.value if isinstance(value, ast.Constant) else None
                if not isinstance(points, int):
                    raise BuildError(
                        rel, node.lineno, f"{node.name}: points must be an int literal"
                    )
            elif name.endswith("mark.parametrize"):
                values = (
                    decorator.args[1]
                    if len(decorator.args) > 1
                    else next((k.value for k in decorator.keywords if k.arg == "argvalues"), None)
                )
                length = _length(values, constants) if values is not None else None
                if length is None:
                    raise BuildError(
                        rel, node.lineno,
                        f"{node.name}: the grader cannot count the cases of this parametrize; "
                        "use a literal list or a module-level literal (list, tuple or dict)",
                    )  # fmt: skip
                cases *= length
        if points is None:
            raise BuildError(rel, node.lineno, f"{node.name} has no @pytest.mark.points(n)")
        entry = {"points": points, "cases": cases}
        if milestone:
            entry["milestone"] = True
        found[f"{rel}::{node.name}"] = entry
    return found
