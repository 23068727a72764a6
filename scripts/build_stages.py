#!/usr/bin/env python3
"""Render the course's stage exercises from the one reference solution.

    python scripts/build_stages.py            # write stages/, workflows, manifest, README table
    python scripts/build_stages.py --check    # exit 1, naming stale files, if anything is out of date

Input: ``solutions/`` (the reference package with solution markers, the graded tests, milestone
and systems scripts, per-stage docs, and the ``stages.toml`` manifest).
Output, for every stage marked ready:

- ``stages/NN_slug/``: README, ``tinytorch/`` (earlier stages solved, this stage stubbed, later
  stages absent), ``tests/`` (this stage graded, earlier stages as regression), ``milestones/``
  and ``systems/`` reached so far, and a ``conftest.py``;
- ``.github/workflows/stage-NN.yml`` (grades the stage, one badge per stage) and
  ``.github/workflows/classroom.yml`` (GitHub Classroom autograding);
- ``ci/manifest.json``: stage metadata and the hashes the grader uses to detect edited tests;
- the stage table between the GENERATED markers in the top-level README.

Solution markers (in ``solutions/tinytorch/**.py``)::

    # BEGIN SOLUTION [stage=NN]     the learner writes this; before NN it is a stub saying
    # TODO: what to do              which stage brings it, in NN a stub under its TODO/HINT
    # HINT: how (optional)          comments, after NN the code itself
    ...code...
    # END SOLUTION

    # BEGIN REVEAL stage=NN         given code that does not exist before stage NN (e.g. the
    ...code...                      graph recording autograd adds to every operation)
    # END REVEAL

A block without ``stage=`` belongs to the stage that introduces its module. The output is
deterministic: two runs produce byte-identical files.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = "solutions"
MANIFEST_PATH = "ci/manifest.json"
WORKFLOWS = ".github/workflows"
README_BEGIN = "<!-- BEGIN GENERATED: stage table (scripts/build_stages.py) -->"
README_END = "<!-- END GENERATED: stage table -->"
PYTHON_VERSION = "3.11"

#: Files outside stages/ whose hashes the grader checks (edits to them are tampering too).
GRADING_FILES = ("ci/grade.py", "noxfile.py", "pyproject.toml")
GRADING_DIRS = ("shared/tinytorch_testing",)


class BuildError(Exception):
    """A problem in the sources, reported as ``file:line: message``."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


# ----------------------------------------------------------------------------- manifest


@dataclass(frozen=True)
class Stage:
    number: int
    slug: str
    title: str
    tier: str
    hours: float
    ready: bool
    points: int
    summary: str
    modules: tuple[str, ...]
    milestones: tuple[str, ...]
    systems: tuple[str, ...]  # measurement scripts, as paths under solutions/

    @property
    def nn(self) -> str:
        return f"{self.number:02d}"

    @property
    def dirname(self) -> str:
        return f"{self.nn}_{self.slug}"

    @property
    def session(self) -> str:
        return f"stage-{self.nn}"


_STAGE_FIELDS = {
    "number": int, "slug": str, "title": str, "tier": str, "hours": (int, float),
    "ready": bool, "points": int, "summary": str, "modules": list, "milestones": list,
}  # fmt: skip
_TIERS = ("foundation", "architecture", "optimization")


def load_manifest(root: Path) -> list[Stage]:
    """Read and validate ``solutions/stages.toml``."""
    rel = f"{SOLUTIONS}/stages.toml"
    path = root / rel
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BuildError(rel, None, "the stage manifest is missing") from None
    except tomllib.TOMLDecodeError as error:
        raise BuildError(rel, None, f"not valid TOML: {error}") from None
    entries = data.get("stage")
    if not isinstance(entries, list) or not entries:
        raise BuildError(rel, None, "expected a list of [[stage]] tables")
    stages = []
    for position, entry in enumerate(entries, start=1):
        label = f"[[stage]] #{position}"
        for name, kind in _STAGE_FIELDS.items():
            if name not in entry:
                raise BuildError(rel, None, f"{label} lacks the field {name!r}")
            if not isinstance(entry[name], kind) or (kind is int and isinstance(entry[name], bool)):
                raise BuildError(rel, None, f"{label}: {name} has the wrong type ({entry[name]!r})")
        unknown = set(entry) - set(_STAGE_FIELDS) - {"systems"}
        if unknown:
            raise BuildError(rel, None, f"{label}: unknown fields {sorted(unknown)}")
        if entry["number"] != position:
            raise BuildError(
                rel,
                None,
                f"{label} has number {entry['number']}; stages must be numbered 1, 2, ...",
            )
        if not re.fullmatch(r"[a-z][a-z0-9_]*", entry["slug"]):
            raise BuildError(rel, None, f"{label}: slug {entry['slug']!r} must be lower_snake_case")
        if entry["tier"] not in _TIERS:
            raise BuildError(rel, None, f"{label}: tier must be one of {_TIERS}")
        if entry["ready"] and entry["points"] <= 0:
            raise BuildError(rel, None, f"{label}: a ready stage needs its points total (> 0)")
        systems = entry.get("systems", [])
        systems = [systems] if isinstance(systems, str) else systems
        if not isinstance(systems, list) or not all(isinstance(s, str) and s for s in systems):
            raise BuildError(
                rel, None,
                f"{label}: systems must be a path or a list of paths under solutions/, got "
                f"{entry['systems']!r}",
            )  # fmt: skip
        stages.append(
            Stage(
                number=entry["number"],
                slug=entry["slug"],
                title=entry["title"],
                tier=entry["tier"],
                hours=entry["hours"],
                ready=entry["ready"],
                points=entry["points"],
                summary=entry["summary"],
                modules=tuple(entry["modules"]),
                milestones=tuple(entry["milestones"]),
                systems=tuple(systems),
            )
        )
    return stages


# ----------------------------------------------------------------------------- markers

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


def _function_names(tree: ast.AST) -> list[tuple[int, int, str]]:
    """(def line, last line, qualified name) for every function."""
    spans: list[tuple[int, int, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{prefix}{child.name}"
                spans.append((child.lineno, child.end_lineno or child.lineno, name))
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


# ----------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class Course:
    root: Path
    stages: tuple[Stage, ...]

    def stage(self, number: int) -> Stage:
        return self.stages[number - 1]


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

    def render(self, course: Course, target: int, solved: bool = False) -> tuple[str, list[int]]:
        """The module as a stage-``target`` learner sees it, and each output line's source line.

        ``solved`` renders the stage as a learner who finished it would have it: the blocks of
        stage ``target`` hold their solution instead of a stub.
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
                todo = " ".join(todo)
                message = f"stage {target:02d}: {name}: {todo}"
            else:  # a later stage's work
                later = course.stage(block.stage)
                message = f"{name} arrives in stage {later.nn} ({later.title})"
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


def _module_name(rel: str) -> str:
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


# ----------------------------------------------------------------------------- stage files


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _files_under(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def _test_functions(path: Path) -> list[tuple[str, str, str]]:
    """(name, points, first docstring line) of each graded test function in a test file.

    Points are per test case, so a parametrized test shows "2 × 3" (three cases of 2 points),
    or "2 each" when the cases are not a literal list.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in tree.body:
        if not isinstance(
            node, (ast.FunctionDef, ast.AsyncFunctionDef)
        ) or not node.name.startswith("test"):
            continue
        points, cases = 0, 1
        for decorator in node.decorator_list:
            if not isinstance(decorator, ast.Call) or not decorator.args:
                continue
            name = ast.unparse(decorator.func)
            if name.endswith("mark.points") and isinstance(decorator.args[0], ast.Constant):
                points = decorator.args[0].value
            elif name.endswith("mark.parametrize") and cases is not None:
                values = decorator.args[1] if len(decorator.args) > 1 else None
                cases = (
                    cases * len(values.elts) if isinstance(values, (ast.List, ast.Tuple)) else None
                )
        shown = (
            f"{points}" if cases == 1 else (f"{points} × {cases}" if cases else f"{points} each")
        )
        doc = (ast.get_docstring(node) or "").strip().splitlines()
        found.append((node.name, shown, doc[0] if doc else ""))
    return found


class Generator:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.course = Course(root, tuple(load_manifest(root)))
        self.files: dict[str, bytes] = {}
        self._modules = self._load_modules()

    # -- sources

    def _load_modules(self) -> dict[str, ModuleSource | None]:
        """Every file under solutions/tinytorch, each owned by exactly one stage."""
        owners: dict[str, Stage] = {}
        for stage in self.course.stages:
            for rel in stage.modules:
                if rel in owners:
                    raise BuildError(
                        f"{SOLUTIONS}/stages.toml", None,
                        f"{rel} is listed by stage {owners[rel].nn} and stage {stage.nn}",
                    )  # fmt: skip
                if not (self.root / SOLUTIONS / rel).is_file():
                    raise BuildError(
                        f"{SOLUTIONS}/stages.toml",
                        None,
                        f"stage {stage.nn} lists {rel}, which does not exist",
                    )
                owners[rel] = stage
        for stage in self.course.stages:
            wanted = [f"milestones/{name}.py" for name in stage.milestones]
            wanted += stage.systems
            for rel in wanted:
                if not (self.root / SOLUTIONS / rel).is_file():
                    raise BuildError(
                        f"{SOLUTIONS}/stages.toml",
                        None,
                        f"stage {stage.nn} lists {rel}, which does not exist",
                    )
        package = self.root / SOLUTIONS / "tinytorch"
        for path in _files_under(package):
            rel = path.relative_to(self.root / SOLUTIONS).as_posix()
            if rel not in owners:
                raise BuildError(
                    f"{SOLUTIONS}/{rel}", None, "not listed in any stage's modules in stages.toml"
                )
        self.owners = owners
        return {
            rel: ModuleSource(self.course, rel, stage) if rel.endswith(".py") else None
            for rel, stage in sorted(owners.items())
        }

    # -- outputs

    def add(self, rel: str, content: str | bytes) -> None:
        self.files[rel] = content.encode("utf-8") if isinstance(content, str) else content

    def build(self) -> dict[str, bytes]:
        ready = [s for s in self.course.stages if s.ready]
        known = {
            _module_name(rel): stage for rel, stage in self.owners.items() if rel.endswith(".py")
        }
        for stage in ready:
            self._build_stage(stage, known)
        self.add(f"{WORKFLOWS}/classroom.yml", classroom_workflow(ready))
        self.add(MANIFEST_PATH, self._manifest(ready))
        self.add("README.md", self._readme_with_table(ready))
        return self.files

    def _build_stage(self, stage: Stage, known: dict[str, Stage]) -> None:
        base = f"stages/{stage.dirname}"
        included = {
            rel: src
            for rel, src in self._modules.items()
            if self.owners[rel].number <= stage.number
        }
        available = {_module_name(rel) for rel in included if rel.endswith(".py")}
        for rel, module in included.items():
            if module is None:
                self.add(f"{base}/{rel}", (self.root / SOLUTIONS / rel).read_bytes())
                continue
            text, origin = module.render(self.course, stage.number)
            try:
                compile(text, f"{base}/{rel}", "exec")
            except SyntaxError as error:
                line = (
                    origin[error.lineno - 1]
                    if error.lineno and error.lineno <= len(origin)
                    else None
                )
                raise BuildError(
                    f"{SOLUTIONS}/{rel}", line,
                    f"renders to invalid Python for stage {stage.nn}: {error.msg} (did a REVEAL "
                    "block leave a body empty?)",
                ) from None  # fmt: skip
            check_imports(rel, text, origin, available, known, stage)
            self.add(f"{base}/{rel}", text)
        for earlier in self.course.stages[: stage.number]:
            tests = self.root / SOLUTIONS / "tests" / f"stage_{earlier.nn}"
            for path in _files_under(tests) if tests.is_dir() else []:
                rel = path.relative_to(self.root / SOLUTIONS).as_posix()
                data = path.read_bytes()
                if path.suffix == ".py":
                    if re.search(
                        r"^\s*# (BEGIN|END) (SOLUTION|REVEAL)", data.decode("utf-8"), re.M
                    ):
                        raise BuildError(
                            f"{SOLUTIONS}/{rel}", None, "tests must not contain solution markers"
                        )
                    data = _test_header(earlier, stage, rel).encode("utf-8") + data
                self.add(f"{base}/{rel}", data)
            for name in earlier.milestones:
                self.add(
                    f"{base}/milestones/{name}.py",
                    (self.root / SOLUTIONS / "milestones" / f"{name}.py").read_bytes(),
                )
            for rel in earlier.systems:
                self.add(f"{base}/{rel}", (self.root / SOLUTIONS / rel).read_bytes())
        if any(s.milestones for s in self.course.stages[: stage.number]):
            self.add(
                f"{base}/milestones/__init__.py",
                '"""Historical milestones this stage has reached."""\n',
            )
        if any(s.systems for s in self.course.stages[: stage.number]):
            self.add(
                f"{base}/systems/__init__.py",
                '"""Systems measurements: run them, read the numbers."""\n',
            )
        self.add(f"{base}/conftest.py", stage_conftest(stage))
        self.add(f"{base}/README.md", self._stage_readme(stage))
        self.add(f"{WORKFLOWS}/{stage.session}.yml", stage_workflow(stage))

    def solved_package(self, number: int) -> dict[str, str]:
        """Stage ``number``'s tinytorch package with that stage's work done (for end-to-end tests)."""
        stage = self.course.stage(number)
        return {
            rel: module.render(self.course, stage.number, solved=True)[0]
            for rel, module in self._modules.items()
            if module is not None and self.owners[rel].number <= stage.number
        }

    def _stage_readme(self, stage: Stage) -> str:
        doc_path = self.root / SOLUTIONS / "docs" / f"{stage.dirname}.md"
        if not doc_path.is_file():
            raise BuildError(
                f"{SOLUTIONS}/docs/{stage.dirname}.md",
                None,
                f"stage {stage.nn} is ready but has no README source",
            )
        body = doc_path.read_text(encoding="utf-8").strip()
        tests_dir = self.root / SOLUTIONS / "tests" / f"stage_{stage.nn}"
        rows = []
        for path in _files_under(tests_dir) if tests_dir.is_dir() else []:
            if path.suffix == ".py" and path.name.startswith("test_"):
                for name, points, doc in _test_functions(path):
                    rows.append(f"| `{path.name}::{name}` | {points} | {doc} |")
        badge = f"../../../../actions/workflows/{stage.session}.yml"
        return "\n".join(
            [
                f"# Stage {stage.nn} · {stage.title}",
                "",
                f"[![{stage.session}]({badge}/badge.svg)]({badge})",
                "",
                f"> {stage.tier.capitalize()} tier · about {stage.hours:g} hours · {stage.points} points",
                f"> {stage.summary}",
                "",
                "<!-- Generated by scripts/build_stages.py from "
                f"solutions/docs/{stage.dirname}.md; edit that file instead. -->",
                "",
                "## Run it",
                "",
                "From the repository root:",
                "",
                "```sh",
                f"nox -s {stage.session}     # your points, test by test, and what to do next",
                "```",
                "",
                f"Work only inside `stages/{stage.dirname}/`: the stubs that raise "
                f'`NotImplementedError("stage {stage.nn}: ...")` are yours to write. Tests of '
                "earlier stages run too, as regression checks: they must keep passing.",
                "",
                body,
                "",
                "## What is graded",
                "",
                "| test | points | what it proves |",
                "|---|---:|---|",
                *rows,
                "",
                "Tests marked with the same points run on many random inputs (Hypothesis). When one "
                "fails, the session prints the smallest input that breaks your code: start there.",
                "",
            ]
        )

    def _manifest(self, ready: list[Stage]) -> str:
        grading = {}
        for rel in GRADING_FILES:
            grading[rel] = _sha256((self.root / rel).read_bytes())
        for rel_dir in GRADING_DIRS:
            for path in _files_under(self.root / rel_dir):
                grading[path.relative_to(self.root).as_posix()] = _sha256(path.read_bytes())
        stages = {}
        for stage in self.course.stages:
            entry = {
                "number": stage.number,
                "slug": stage.slug,
                "title": stage.title,
                "dir": f"stages/{stage.dirname}",
                "points": stage.points,
                "ready": stage.ready,
            }
            if stage.ready:
                prefix = f"stages/{stage.dirname}/"
                entry["protected"] = {
                    rel[len(prefix) :]: _sha256(data)
                    for rel, data in sorted(self.files.items())
                    if rel.startswith(prefix) and _is_protected(rel[len(prefix) :])
                }
            stages[stage.nn] = entry
        generated = {rel: _sha256(data) for rel, data in sorted(self.files.items())}
        payload = {"schema": 1, "grading_files": grading, "stages": stages, "generated": generated}
        return json.dumps(payload, indent=1, sort_keys=True) + "\n"

    def _readme_with_table(self, ready: list[Stage]) -> str:
        path = self.root / "README.md"
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        if README_BEGIN not in text or README_END not in text:
            raise BuildError(
                "README.md", None, f"needs the markers {README_BEGIN} and {README_END}"
            )
        rows = ["| stage | tier | hours | points | status |", "|---|---|---:|---:|---|"]
        for stage in self.course.stages:
            if stage.ready:
                link = f"[{stage.nn} · {stage.title}](stages/{stage.dirname}/README.md)"
                badge = f"../../actions/workflows/{stage.session}.yml"
                status = f"[![{stage.session}]({badge}/badge.svg)]({badge})"
            else:
                link, status = f"{stage.nn} · {stage.title}", "not ready yet"
            rows.append(
                f"| {link} | {stage.tier} | {stage.hours:g} | {stage.points or '–'} | {status} |"
            )
        head, rest = text.split(README_BEGIN, 1)
        _, tail = rest.split(README_END, 1)
        return f"{head}{README_BEGIN}\n" + "\n".join(rows) + f"\n{README_END}{tail}"


def _is_protected(rel: str) -> bool:
    """Files of a stage the learner must not edit: tests and the pytest set-up."""
    return rel == "conftest.py" or rel.startswith("tests/")


def _test_header(source: Stage, target: Stage, rel: str) -> str:
    role = (
        "graded in this stage"
        if source.number == target.number
        else f"a regression check from stage {source.nn}"
    )
    return (
        f"# Generated from solutions/{rel} by scripts/build_stages.py: {role}.\n"
        "# Do not edit: the grader checks this file against ci/manifest.json.\n"
    )


def stage_conftest(stage: Stage) -> str:
    return f'''"""pytest set-up for stage {stage.nn} ({stage.title}). Generated by scripts/build_stages.py.

Puts this folder's tinytorch (your code) first on sys.path, makes the course's shared test
helpers importable, and loads the grading plugin. Do not edit: the grader checks this file.
"""

import sys
from pathlib import Path

#: The stage this folder grades: tests/stage_{stage.nn} earn the points, the rest are regression.
TINYTORCH_STAGE = {stage.number}

_HERE = Path(__file__).resolve().parent
for _path in (_HERE.parents[1] / "shared", _HERE):
    if str(_path) in sys.path:
        sys.path.remove(str(_path))
    sys.path.insert(0, str(_path))

pytest_plugins = ["tinytorch_testing.plugin"]
'''


# ----------------------------------------------------------------------------- workflows

_INSTALL_TOOLS = (
    'python -m pip install --upgrade "pip>=25.1" && python -m pip install --group tools'
)


def stage_workflow(stage: Stage) -> str:
    grade_dir = f"stages/{stage.dirname}/.grade"
    return f"""# Generated by scripts/build_stages.py from solutions/stages.toml: do not edit.
# Grades stage {stage.nn} whenever its folder changes; its status is the stage's badge.
name: {stage.session}

on:
  push:
    paths:
      - "stages/{stage.dirname}/**"
      - ".github/workflows/{stage.session}.yml"
  pull_request:
    paths:
      - "stages/{stage.dirname}/**"
  workflow_dispatch:

permissions:
  contents: read

jobs:
  grade:
    name: "Stage {stage.nn} · {stage.title}"
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "{PYTHON_VERSION}"
      - name: Install the session runner
        run: {_INSTALL_TOOLS}
      - name: Run the stage {stage.nn} tests and grade them
        run: nox -s {stage.session}
      - name: Write the points table to the job summary
        if: always()
        run: |
          if [ -f "{grade_dir}/summary.md" ]; then
            cat "{grade_dir}/summary.md" >> "$GITHUB_STEP_SUMMARY"
          fi
      - name: Upload grade.json and badge.json
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: grade-{stage.session}
          path: {grade_dir}/
          if-no-files-found: ignore
"""


def classroom_workflow(ready: list[Stage]) -> str:
    steps = []
    for stage in ready:
        steps.append(
            f"""      - name: "Stage {stage.nn} · {stage.title}"
        id: stage{stage.nn}
        uses: classroom-resources/autograding-command-grader@v1
        with:
          test-name: "Stage {stage.nn} · {stage.title}"
          setup-command: ""
          command: nox -s {stage.session}
          timeout: 20
          max-score: {stage.points}"""
        )
    env = "\n".join(
        f'          STAGE{s.nn}_RESULTS: "${{{{ steps.stage{s.nn}.outputs.result }}}}"'
        for s in ready
    )
    runners = ",".join(f"stage{s.nn}" for s in ready)
    body = "\n".join(steps)
    return f"""# Generated by scripts/build_stages.py from solutions/stages.toml: do not edit.
# GitHub Classroom autograding: one grader step per ready stage, full points when the stage's
# nox session exits 0 (all of its tests pass and no graded file was modified).
name: Autograding Tests

on:
  push:
  repository_dispatch:
  workflow_dispatch:

permissions:
  checks: write
  actions: read
  contents: read

jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    timeout-minutes: 60
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "{PYTHON_VERSION}"
      - name: Install the session runner
        run: {_INSTALL_TOOLS}
{body}
      - name: Autograding Reporter
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
{env}
        with:
          runners: {runners}
"""


# ----------------------------------------------------------------------------- writing


def _generated_scope(rel: str) -> bool:
    """Paths the generator owns: anything else on disk is left alone."""
    return (
        rel.startswith("stages/")
        or re.fullmatch(rf"{WORKFLOWS}/(stage-\d\d|classroom)\.yml", rel) is not None
    )


def _disk_files(root: Path) -> dict[str, Path]:
    found = {}
    stages = root / "stages"
    for path in _files_under(stages) if stages.is_dir() else []:
        rel = path.relative_to(root).as_posix()
        if not any(part.startswith(".") for part in path.relative_to(stages).parts):
            found[rel] = path  # hidden folders (.grade/, .hypothesis/) hold run outputs
    workflows = root / WORKFLOWS
    for path in sorted(workflows.glob("*.yml")) if workflows.is_dir() else []:
        rel = path.relative_to(root).as_posix()
        if _generated_scope(rel):
            found[rel] = path
    return found


def plan(root: Path, files: dict[str, bytes]) -> tuple[list[str], list[str]]:
    """(files to write, files to delete) to bring the disk in line with ``files``."""
    disk = _disk_files(root)
    write = sorted(
        rel
        for rel, data in files.items()
        if not (root / rel).is_file() or (root / rel).read_bytes() != data
    )
    delete = sorted(rel for rel in disk if rel not in files)
    return write, delete


def edited_since_generation(root: Path, rels: list[str]) -> list[str]:
    """Files whose content is neither what the generator last wrote nor absent: someone's work."""
    manifest = root / MANIFEST_PATH
    recorded = (
        json.loads(manifest.read_text(encoding="utf-8")).get("generated", {})
        if manifest.exists()
        else {}
    )
    edited = []
    for rel in rels:
        path = root / rel
        if not _generated_scope(rel) or not path.is_file():
            continue
        if _sha256(path.read_bytes()) != recorded.get(rel):
            edited.append(rel)
    return edited


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if any generated file is out of date"
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite generated files even if they were edited"
    )
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        files = Generator(root).build()
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    write, delete = plan(root, files)
    if args.check:
        if not write and not delete:
            print(f"up to date: {len(files)} generated files match solutions/")
            return 0
        print(
            "out of date: run `python scripts/build_stages.py` and commit the result",
            file=sys.stderr,
        )
        for rel in write:
            print(
                f"  stale   {rel}" if (root / rel).exists() else f"  missing {rel}", file=sys.stderr
            )
        for rel in delete:
            print(f"  extra   {rel}", file=sys.stderr)
        return 1
    if not args.force:
        edited = edited_since_generation(root, write + delete)
        if edited:
            print(
                "refusing to overwrite files that were edited after they were generated "
                "(a learner's work?). Move them away, or pass --force to discard the edits:",
                file=sys.stderr,
            )
            for rel in edited:
                print(f"  {rel}", file=sys.stderr)
            return 1
    for rel in write:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[rel])
    for rel in delete:
        (root / rel).unlink()
        parent = (root / rel).parent
        while parent != root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    print(f"wrote {len(write)} files, removed {len(delete)}, {len(files) - len(write)} unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
