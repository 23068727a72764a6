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

How solution markers work: ``markers.py`` and ``solutions/AUTHORING.md``. The output is
deterministic: two runs produce byte-identical files.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import re
import sys
from pathlib import Path

from carry_map import function_map
from course import (
    ROOT,
    SOLUTIONS,
    BuildError,
    Course,
    Stage,
    files_under,
    load_manifest,
    module_owners,
)
from expected_tests import expected_tests
from markers import ModuleSource, check_imports, module_name
from templates import (
    README_BEGIN,
    README_END,
    classroom_workflow,
    graded_file_header,
    readme_stage_table,
    stage_conftest,
    stage_readme,
    stage_workflow,
)

__all__ = ["BuildError", "Generator", "main"]

MANIFEST_PATH = "ci/manifest.json"
WORKFLOWS = ".github/workflows"
#: Files outside stages/ whose hashes the grader checks (edits to them are tampering too).
GRADING_FILES = ("ci/grade.py", "ci/stub_format.py", "noxfile.py", "pyproject.toml")
GRADING_DIRS = ("shared/tinytorch_testing",)


# ----------------------------------------------------------------------------- stage files


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _first_sentence(doc: str | None) -> str:
    """A docstring's whole first sentence, as the grading plugin shows it (``first_sentence``)."""
    paragraph = " ".join((doc or "").strip().split("\n\n", 1)[0].split())
    match = re.search(r"^(.+?[.!?])(?=\s|$)", paragraph)
    return match.group(1) if match else paragraph


def _test_functions(path: Path) -> list[tuple[str, str, str]]:
    """(name, points, first docstring sentence) of each graded test function in a test file.

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
        found.append((node.name, shown, _first_sentence(ast.get_docstring(node))))
    return found


class Generator:
    """Every generated file of the course, rendered in memory from ``solutions/``.

    ``build()`` returns {path: bytes}; ``main`` compares that with the disk and writes it.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.course = Course(root, tuple(load_manifest(root)))
        self.files: dict[str, bytes] = {}
        self.owners = module_owners(self.course)
        self._modules = {
            rel: ModuleSource(self.course, rel, stage) if rel.endswith(".py") else None
            for rel, stage in sorted(self.owners.items())
        }

    def _source(self, rel: str) -> Path:
        return self.root / SOLUTIONS / rel

    # -- outputs

    def add(self, rel: str, content: str | bytes) -> None:
        self.files[rel] = content.encode("utf-8") if isinstance(content, str) else content

    def build(self) -> dict[str, bytes]:
        ready = [s for s in self.course.stages if s.ready]
        for stage in ready:
            self._build_stage(stage)
        self.add(f"{WORKFLOWS}/classroom.yml", classroom_workflow(ready))
        self.add(MANIFEST_PATH, self._manifest(ready))
        self.add("README.md", self._readme_with_table())
        return self.files

    def _build_stage(self, stage: Stage) -> None:
        """``stages/NN_slug/`` and its workflow: package, tests, scripts, README."""
        base = f"stages/{stage.dirname}"
        self._render_package(stage, base)
        self._copy_tests(stage, base)
        self._copy_scripts(stage, base)
        self.add(f"{base}/conftest.py", stage_conftest(stage))
        self.add(f"{base}/README.md", self._stage_readme(stage))
        self.add(f"{WORKFLOWS}/{stage.session}.yml", stage_workflow(stage))

    def _render_package(self, stage: Stage, base: str) -> None:
        """The stage's ``tinytorch/``: earlier work solved, this stage's stubbed, later absent.

        Every rendered module must compile and import only modules that exist in the stage.
        """
        known = {
            module_name(rel): owner for rel, owner in self.owners.items() if rel.endswith(".py")
        }
        included = {
            rel: src
            for rel, src in self._modules.items()
            if self.owners[rel].number <= stage.number
        }
        available = {module_name(rel) for rel in included if rel.endswith(".py")}
        for rel, module in included.items():
            if module is None:
                self.add(f"{base}/{rel}", self._source(rel).read_bytes())
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

    def _copy_tests(self, stage: Stage, base: str) -> None:
        """The stage's graded tests and every earlier stage's, each under its header comment."""
        for earlier in self.course.stages[: stage.number]:
            tests = self._source(f"tests/stage_{earlier.nn}")
            for path in files_under(tests) if tests.is_dir() else []:
                rel = path.relative_to(self.root / SOLUTIONS).as_posix()
                data = path.read_bytes()
                if path.suffix == ".py":
                    if re.search(
                        r"^\s*# (BEGIN|END) (SOLUTION|REVEAL)", data.decode("utf-8"), re.M
                    ):
                        raise BuildError(
                            f"{SOLUTIONS}/{rel}", None, "tests must not contain solution markers"
                        )
                    data = graded_file_header(earlier, stage, rel).encode("utf-8") + data
                self.add(f"{base}/{rel}", data)

    def _copy_scripts(self, stage: Stage, base: str) -> None:
        """The milestone and systems scripts of this stage and the earlier ones."""
        reached = self.course.stages[: stage.number]
        for earlier in reached:
            for name in earlier.milestones:
                rel = f"milestones/{name}.py"
                self.add(f"{base}/{rel}", self._source(rel).read_bytes())
            for rel in earlier.systems:
                self.add(f"{base}/{rel}", self._source(rel).read_bytes())
        if any(s.milestones for s in reached):
            self.add(
                f"{base}/milestones/__init__.py",
                '"""Historical milestones this stage has reached."""\n',
            )
        if any(s.systems for s in reached):
            self.add(
                f"{base}/systems/__init__.py",
                '"""Systems measurements: run them, read the numbers."""\n',
            )

    def solved_package(self, number: int) -> dict[str, str]:
        """Stage ``number``'s tinytorch package with that stage's work done (for end-to-end tests)."""
        stage = self.course.stage(number)
        return {
            rel: module.render(self.course, stage.number, solved=True)[0]
            for rel, module in self._modules.items()
            if module is not None and self.owners[rel].number <= stage.number
        }

    def _stage_readme(self, stage: Stage) -> str:
        doc_path = self._source(f"docs/{stage.dirname}.md")
        if not doc_path.is_file():
            raise BuildError(
                f"{SOLUTIONS}/docs/{stage.dirname}.md",
                None,
                f"stage {stage.nn} is ready but has no README source",
            )
        tests_dir = self._source(f"tests/stage_{stage.nn}")
        rows = [
            (f"{path.name}::{name}", points, doc)
            for path in (files_under(tests_dir) if tests_dir.is_dir() else [])
            if path.suffix == ".py" and path.name.startswith("test_")
            for name, points, doc in _test_functions(path)
        ]
        return stage_readme(stage, doc_path.read_text(encoding="utf-8").strip(), rows)

    def _manifest(self, ready: list[Stage]) -> str:
        grading = {}
        for rel in GRADING_FILES:
            grading[rel] = _sha256((self.root / rel).read_bytes())
        for rel_dir in GRADING_DIRS:
            for path in files_under(self.root / rel_dir):
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
                entry["tests"] = self._expected_tests(stage)
                entry["functions"] = self._functions(stage)
            stages[stage.nn] = entry
        generated = {rel: _sha256(data) for rel, data in sorted(self.files.items())}
        payload = {"schema": 1, "grading_files": grading, "stages": stages, "generated": generated}
        return json.dumps(payload, indent=1, sort_keys=True) + "\n"

    def _functions(self, stage: Stage) -> dict[str, dict]:
        """Which function of the stage folder holds which stage's exercise (for carry)."""
        found = {}
        for rel, module in self._modules.items():
            if module is not None and self.owners[rel].number <= stage.number:
                found.update(function_map(self.course, module, stage.number))
        return found

    def _expected_tests(self, stage: Stage) -> dict[str, dict]:
        """The stage's graded tests, each with its points per case and number of cases."""
        tests = self.root / SOLUTIONS / "tests" / f"stage_{stage.nn}"
        expected = {}
        for path in files_under(tests) if tests.is_dir() else []:
            if path.suffix == ".py" and path.name.startswith("test_"):
                rel = path.relative_to(self.root / SOLUTIONS).as_posix()
                expected.update(expected_tests(path, rel))
        total = sum(t["points"] * t["cases"] for t in expected.values())
        if total != stage.points:
            raise BuildError(
                f"{SOLUTIONS}/stages.toml", None,
                f"stage {stage.nn} has points = {stage.points}, but its tests carry {total}",
            )  # fmt: skip
        return expected

    def _readme_with_table(self) -> str:
        path = self.root / "README.md"
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        if README_BEGIN not in text or README_END not in text:
            raise BuildError(
                "README.md", None, f"needs the markers {README_BEGIN} and {README_END}"
            )
        head, rest = text.split(README_BEGIN, 1)
        _, tail = rest.split(README_END, 1)
        table = readme_stage_table(self.course.stages)
        return f"{head}{README_BEGIN}\n{table}\n{README_END}{tail}"


def _is_protected(rel: str) -> bool:
    """Files of a stage the learner must not edit: tests and the pytest set-up."""
    return rel == "conftest.py" or rel.startswith("tests/")


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
    for path in files_under(stages) if stages.is_dir() else []:
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
