#!/usr/bin/env python3
"""Carry your own code forward: ``nox -s carry -- NN``.

Stage NN's folder starts from the course's reference solution of every earlier stage. This
replaces that reference, function by function, with what *you* wrote in the earlier stages'
folders, so the regression checks in stage NN grade your own framework:

- only functions that hold an earlier stage's exercise are replaced, each from the folder of
  the stage that exercise belongs to, and only when you solved it there (no stub left);
- a function whose given code differs between the two stages (a later stage added lines
  around the exercise, e.g. graph recording in stage 05) is refused with a message: copy your
  lines by hand there;
- this stage's own exercises (and anything else in the folder) are never touched;
- every file it changes is first copied to ``.carry-backup/stage-NN/<time>/``.

The map of which function holds which stage's exercise comes from ``ci/manifest.json``
(``functions``, written by the generator). Standard library only.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _spans(tree: ast.AST) -> dict[str, tuple[int, int]]:
    """Qualified name -> (first line incl. decorators, last line), 1-based."""
    spans = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{prefix}{child.name}"
                first = min([child.lineno] + [d.lineno for d in child.decorator_list])
                spans[name] = (first, child.end_lineno or child.lineno)
                visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")

    visit(tree, "")
    return spans


def _function(path: Path, name: str) -> tuple[list[str], tuple[int, int]] | None:
    """The lines of ``path`` and the span of function ``name`` in it (None if absent)."""
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    try:
        span = _spans(ast.parse(text)).get(name)
    except SyntaxError:
        return None
    return (text.splitlines(keepends=True), span) if span else None


def plan(root: Path, manifest: dict, number: str) -> tuple[dict, list[str], list[str]]:
    """({target file: [(span, new lines, name)]}, carried names, messages) for stage ``number``."""
    stages = manifest["stages"]
    target_entry = stages[number]
    edits: dict[Path, list] = {}
    carried, messages = [], []
    for key, spec in sorted(target_entry.get("functions", {}).items()):
        rel, _, name = key.partition("::")
        source_stage = spec["stage"]
        if source_stage is None or source_stage >= int(number):
            continue  # this stage's own work (or several stages' work in one function)
        source_key = f"{source_stage:02d}"
        source_entry = stages.get(source_key, {})
        if not source_entry.get("ready"):
            continue
        source_spec = source_entry.get("functions", {}).get(key)
        if source_spec is None or source_spec["given"] != spec["given"]:
            messages.append(
                f"refused {name} ({rel}): its given code differs between stage {source_key} and "
                f"stage {number}; copy your lines from {source_entry['dir']}/{rel} by hand"
            )
            continue
        theirs = _function(root / source_entry["dir"] / rel, name)
        ours = _function(root / target_entry["dir"] / rel, name)
        if theirs is None or ours is None:
            messages.append(f"skipped {name} ({rel}): not found in both stage folders")
            continue
        lines, (start, end) = theirs
        body = lines[start - 1 : end]
        if re.search(rf'NotImplementedError\(\s*"stage {source_key}:', "".join(body)):
            messages.append(f"skipped {name}: still a stub in stage {source_key}")
            continue
        target_lines, span = ours
        if target_lines[span[0] - 1 : span[1]] == body:
            continue  # already the same code
        edits.setdefault(root / target_entry["dir"] / rel, []).append((span, body, name))
        carried.append(f"{name} (from stage {source_key})")
    return edits, carried, messages


def carry(root: Path, number: str, dry_run: bool = False) -> int:
    manifest = json.loads((root / "ci" / "manifest.json").read_text(encoding="utf-8"))
    key = f"{int(number):02d}" if number.isdigit() else number
    if key not in manifest["stages"] or not manifest["stages"][key]["ready"]:
        print(f"error: stage {number!r} is not a released stage", file=sys.stderr)
        return 2
    edits, carried, messages = plan(root, manifest, key)
    for message in messages:
        print(f"  {message}")
    if not carried:
        print(f"Nothing to carry into stage {key}.")
        return 0
    if dry_run:
        print(f"Would carry {len(carried)} functions into stage {key}:")
        print("\n".join(f"  {name}" for name in carried))
        return 0
    backup = root / ".carry-backup" / f"stage-{key}" / time.strftime("%Y%m%d-%H%M%S")
    for path, changes in sorted(edits.items()):
        copy = backup / path.relative_to(root)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, copy)
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        for (start, end), body, _ in sorted(changes, key=lambda c: c[0][0], reverse=True):
            lines[start - 1 : end] = body
        path.write_text("".join(lines), encoding="utf-8")
    print(f"Carried {len(carried)} functions of your own into stage {key}:")
    print("\n".join(f"  {name}" for name in carried))
    print(f"The replaced files are saved in {backup.relative_to(root)}/.")
    print(f"Run `nox -s stage-{key}`: its regression checks now test your own code.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("number", help="the stage to carry your code into, e.g. 05")
    parser.add_argument("--dry-run", action="store_true", help="only say what would change")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    return carry(args.root, args.number.removeprefix("stage-"), args.dry_run)


if __name__ == "__main__":
    sys.exit(main())
