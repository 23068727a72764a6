"""Solution markers: parse them in a reference module, and render the module for a stage.

    # BEGIN SOLUTION [stage=NN]     the learner writes this; before NN it is a stub saying
    # TODO: what to do              which stage brings it, in NN a stub under its TODO/HINT
    # HINT: how (optional)          comments, after NN the code itself
    ...code...
    # END SOLUTION

    # BEGIN REVEAL stage=NN         given code that does not exist before stage NN (e.g. the
    ...code...                      graph recording autograd adds to every operation)
    # END REVEAL

A block without ``stage=`` belongs to the stage that introduces its module.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from dataclasses import dataclass, field

from course import ROOT, SOLUTIONS, BuildError, Course, Stage

sys.path.insert(0, str(ROOT / "ci"))
from stub_format import later_stub, own_stub

_MARKER = re.compile(r"#\s*(BEGIN|END)\b")
_BEGIN = re.compile(
    r"^(?P<indent>\s*)# BEGIN (?P<kind>SOLUTION|REVEAL)(?: stage=(?P<stage>\d{1,2}))?\s*$"
)
_END = re.compile(r"^(?P<indent>\s*)# END (?P<kind>SOLUTION|REVEAL)\s*$")
_NOTE = re.compile(r"^\s*# (TODO|HINT):")
_NOTE_CONTINUATION = re.compile(r"^\s*#\s{2,}\S")


@dataclass
class Block:
    kind: str  # "SOLUTION" or "REVEAL"
    stage: int
    begin: int  # 0-based line index of the BEGIN marker
    end: int = -1  # 0-based line index of the END marker
    indent: str = ""
    children: list[Block] = field(default_factory=list)


def parse_blocks(rel: str, lines: list[str], owner: int, stage_count: int) -> list[Block]:
    """Find the marker blocks of one module, checking their grammar and stages."""
    top: list[Block] = []
    open_blocks: list[Block] = []
    for index, line in enumerate(lines):
        begin, end = _BEGIN.match(line), _END.match(line)
        lineno = index + 1
        if not begin and not end:
            if _MARKER.search(line) and line.lstrip().startswith("#"):
                raise BuildError(
                    rel, lineno,
                    "malformed marker; expected '# BEGIN SOLUTION [stage=NN]', "
                    "'# BEGIN REVEAL stage=NN', '# END SOLUTION' or '# END REVEAL'",
                )  # fmt: skip
            continue
        if begin:
            kind = begin["kind"]
            if kind == "REVEAL" and begin["stage"] is None:
                raise BuildError(rel, lineno, "REVEAL needs the stage it appears in: stage=NN")
            stage = int(begin["stage"]) if begin["stage"] else owner
            if not 1 <= stage <= stage_count:
                raise BuildError(
                    rel,
                    lineno,
                    f"unknown stage {stage}; the course has stages 01-{stage_count:02d}",
                )
            if stage < owner:
                raise BuildError(
                    rel, lineno,
                    f"block for stage {stage:02d} in a module that only arrives in stage "
                    f"{owner:02d}; a module cannot hold work for a stage before it exists",
                )  # fmt: skip
            if kind == "REVEAL" and stage == owner:
                raise BuildError(
                    rel, lineno,
                    f"REVEAL stage={stage:02d} in a module of stage {owner:02d} hides nothing; "
                    "drop the markers",
                )  # fmt: skip
            block = Block(kind, stage, index, indent=begin["indent"])
            if open_blocks:
                parent = open_blocks[-1]
                if parent.kind == "SOLUTION" or kind == "REVEAL":
                    raise BuildError(
                        rel, lineno,
                        f"{kind} block opened inside the {parent.kind} block of line "
                        f"{parent.begin + 1}; only SOLUTION blocks may nest, inside REVEAL",
                    )  # fmt: skip
                if stage < parent.stage:
                    raise BuildError(
                        rel, lineno,
                        f"SOLUTION for stage {stage:02d} inside a REVEAL of stage "
                        f"{parent.stage:02d}: the code would not exist in its own stage",
                    )  # fmt: skip
                parent.children.append(block)
            else:
                top.append(block)
            open_blocks.append(block)
        else:
            if not open_blocks:
                raise BuildError(rel, lineno, f"END {end['kind']} without a matching BEGIN")
            block = open_blocks.pop()
            if block.kind != end["kind"]:
                raise BuildError(
                    rel, lineno,
                    f"END {end['kind']} closes the BEGIN {block.kind} of line {block.begin + 1}",
                )  # fmt: skip
            if end["indent"] != block.indent:
                raise BuildError(
                    rel,
                    lineno,
                    f"END marker indented differently from its BEGIN on line {block.begin + 1}",
                )
            block.end = index
    if open_blocks:
        block = open_blocks[-1]
        raise BuildError(
            rel, block.begin + 1, f"BEGIN {block.kind} is never closed with END {block.kind}"
        )
    return top


def _function_names(tree: ast.AST, from_decorators: bool = False) -> list[tuple[int, int, str]]:
    """(def line, last line, qualified name) for every function; with ``from_decorators``
    a span starts at the function's first decorator instead of its ``def`` line."""
    spans: list[tuple[int, int, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{prefix}{child.name}"
                first = child.lineno
                if from_decorators:
                    first = min([d.lineno for d in child.decorator_list] + [first])
                spans.append((first, child.end_lineno or child.lineno, name))
                visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return spans


def _enclosing_function(spans: list[tuple[int, int, str]], lineno: int) -> str | None:
    inside = [(start, name) for start, end, name in spans if start <= lineno <= end]
    return max(inside)[1] if inside else None


class ModuleSource:
    """One solution module: its text, marker blocks and owning stage."""

    def __init__(self, course: Course, rel: str, owner: Stage) -> None:
        self.rel, self.owner = rel, owner
        self.text = (course.root / SOLUTIONS / rel).read_text(encoding="utf-8")
        self.lines = self.text.splitlines()
        self.blocks = parse_blocks(
            f"{SOLUTIONS}/{rel}", self.lines, owner.number, len(course.stages)
        )
        try:
            tree = ast.parse(self.text, filename=rel)
        except SyntaxError as error:
            raise BuildError(
                f"{SOLUTIONS}/{rel}", error.lineno, f"syntax error: {error.msg}"
            ) from None
        self.functions = _function_names(tree)
        self._check_solution_blocks(course)

    def _solution_blocks(self) -> list[Block]:
        found = []
        for block in self.blocks:
            found.extend([block] if block.kind == "SOLUTION" else block.children)
        return found

    def _check_solution_blocks(self, course: Course) -> None:
        where = f"{SOLUTIONS}/{self.rel}"
        for block in self._solution_blocks():
            body = self.lines[block.begin + 1 : block.end]
            if all(_NOTE.match(l) or _NOTE_CONTINUATION.match(l) or not l.strip() for l in body):
                raise BuildError(where, block.begin + 1, "SOLUTION block holds no code")
            if _enclosing_function(self.functions, block.begin + 1) is None:
                raise BuildError(
                    where, block.begin + 1,
                    "SOLUTION blocks must sit inside a function body (the stub raises "
                    "NotImplementedError there); use REVEAL for module- or class-level code",
                )  # fmt: skip
            if not any(_NOTE.match(line) and "TODO" in line for line in body):
                raise BuildError(
                    where, block.begin + 1,
                    "SOLUTION block without a '# TODO:' line; tell the learner what to write",
                )  # fmt: skip

    def stubs(self, stage: int) -> list[tuple[int, str]]:
        """(BEGIN line, qualified function name) of each SOLUTION block that is ``stage``'s work."""
        return [
            (block.begin + 1, _enclosing_function(self.functions, block.begin + 1) or "?")
            for block in self._solution_blocks()
            if block.stage == stage
        ]

    def render(
        self, course: Course, target: int, solved: bool = False, probe: str | None = None
    ) -> tuple[str, list[int]]:
        """The module as a stage-``target`` learner sees it, and each output line's source line.

        ``solved`` renders the stage as a learner who finished it would have it: the blocks of
        stage ``target`` hold their solution instead of a stub. With ``probe`` (a module name),
        each of those solved blocks starts by calling ``<probe>.reached("<file>:<line> <name>")``,
        so a test run can tell which of the stage's blocks its tests executed.
        """
        last_solved = target if solved else target - 1
        out: list[str] = []
        origin: list[int] = []

        def emit(text: str, source_index: int) -> None:
            out.append(text)
            origin.append(source_index + 1)

        def render_range(start: int, stop: int, blocks: list[Block]) -> None:
            cursor = start
            for block in blocks:
                for i in range(cursor, block.begin):
                    emit(self.lines[i], i)
                render_block(block)
                cursor = block.end + 1
                hidden = block.kind == "REVEAL" and block.stage > target
                if (
                    hidden
                    and out
                    and not out[-1].strip()
                    and cursor < stop
                    and not self.lines[cursor].strip()
                ):
                    cursor += 1  # a removed block leaves one blank line, not two
            for i in range(cursor, stop):
                emit(self.lines[i], i)

        def render_block(block: Block) -> None:
            if block.kind == "REVEAL":
                if block.stage <= target:
                    render_range(block.begin + 1, block.end, block.children)
                return
            body = range(block.begin + 1, block.end)
            if block.stage <= last_solved:  # solved: the code without its instructions
                if probe and block.stage == target:
                    name = _enclosing_function(self.functions, block.begin + 1)
                    where = json.dumps(f"{SOLUTIONS}/{self.rel}:{block.begin + 1} {name}")
                    emit(f"{block.indent}__import__({probe!r}).reached({where})", block.begin)
                skipping = False
                for i in body:
                    line = self.lines[i]
                    if _NOTE.match(line):
                        skipping = True
                        continue
                    if skipping and _NOTE_CONTINUATION.match(line):
                        continue
                    skipping = False
                    emit(line, i)
                return
            name = _enclosing_function(self.functions, block.begin + 1)
            if block.stage == target:  # the learner's work: instructions, then a stub
                keeping, in_todo, todo = False, False, []
                for i in body:
                    line = self.lines[i]
                    if _NOTE.match(line):
                        keeping = True
                        in_todo = not todo and "TODO:" in line
                        if in_todo:
                            todo.append(line.split("TODO:", 1)[1].strip())
                    elif keeping and _NOTE_CONTINUATION.match(line):
                        if in_todo:
                            todo.append(line.strip().lstrip("#").strip())
                    else:
                        keeping = in_todo = False
                    if keeping:
                        emit(line, i)
                message = own_stub(target, name, " ".join(todo))
            else:  # a later stage's work
                message = later_stub(name, block.stage, course.stage(block.stage).title)
            literal = json.dumps(message, ensure_ascii=False)
            one_line = f"{block.indent}raise NotImplementedError({literal})"
            if len(one_line) <= 100:
                emit(one_line, block.begin)
            else:
                emit(f"{block.indent}raise NotImplementedError(", block.begin)
                emit(f"{block.indent}    {literal}", block.begin)
                emit(f"{block.indent})", block.begin)

        render_range(0, len(self.lines), self.blocks)
        return "\n".join(out) + "\n", origin


def module_name(rel: str) -> str:
    parts = rel[: -len(".py")].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def check_imports(
    rel: str,
    text: str,
    origin: list[int],
    available: set[str],
    known: dict[str, Stage],
    target: Stage,
) -> None:
    """Every ``tinytorch`` import left in a rendered module must exist in that stage."""
    tree = ast.parse(text)
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            if not name.startswith("tinytorch"):
                continue
            if name in known and name not in available:
                brought_by = known[name]
                raise BuildError(
                    f"{SOLUTIONS}/{rel}", origin[node.lineno - 1],
                    f"imports {name}, which arrives in stage {brought_by.nn} ({brought_by.title}), "
                    f"but this line is part of stage {target.nn}; wrap it in "
                    f"'# BEGIN REVEAL stage={brought_by.nn}' ... '# END REVEAL'",
                )  # fmt: skip
