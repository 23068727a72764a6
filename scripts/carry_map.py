"""Which function of a stage folder holds which stage's exercise: the map ``nox -s carry`` uses.

For every function of a rendered stage that contains SOLUTION blocks, the manifest records the
stage those blocks belong to and a fingerprint of the function's *given* code (every line
that does not come from a SOLUTION block). ``ci/carry.py`` copies a learner's function from
the stage where they wrote it into a later stage only when both fingerprints agree, i.e. when
the later stage gives the function exactly the same surroundings.
"""

from __future__ import annotations

import ast
import hashlib

from course import Course
from markers import ModuleSource, _enclosing_function, _function_names


def _solution_blocks(module: ModuleSource, target: int) -> list:
    """The SOLUTION blocks present in stage ``target``'s rendering of ``module``."""
    found = []
    for block in module.blocks:
        if block.kind == "SOLUTION":
            found.append(block)
        elif block.stage <= target:  # a REVEAL shown in this stage
            found.extend(block.children)
    return found


def function_map(course: Course, module: ModuleSource, target: int) -> dict[str, dict]:
    """``{"rel::Qualified.name": {"stage": K or None, "given": sha}}`` for stage ``target``.

    ``stage`` is None when a function holds blocks of several stages (it cannot be carried
    as a whole).
    """
    blocks = _solution_blocks(module, target)
    if not blocks:
        return {}
    text, origin = module.render(course, target)
    lines = text.splitlines()
    inside = set()
    stages: dict[str, set[int]] = {}
    for block in blocks:
        inside.update(range(block.begin + 1, block.end + 2))  # 1-based, markers included
        name = _enclosing_function(module.functions, block.begin + 1)
        stages.setdefault(name, set()).add(block.stage)
    spans = {name: (start, end) for start, end, name in _function_names(ast.parse(text))}
    found = {}
    for name, owners in sorted(stages.items()):
        start, end = spans[name]
        given = "\n".join(lines[i] for i in range(start - 1, end) if origin[i] not in inside)
        found[f"{module.rel}::{name}"] = {
            "stage": next(iter(owners)) if len(owners) == 1 else None,
            "given": hashlib.sha256(given.encode("utf-8")).hexdigest()[:16],
        }
    return found
