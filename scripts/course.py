"""The course as its sources describe it: ``solutions/stages.toml`` and the files it lists.

``load_manifest`` reads and validates the ``[[stage]]`` tables; ``module_owners`` checks that
every file of the reference package belongs to exactly one stage and that every listed file
(module, milestone, systems script) exists. The generator, the invariant checker and the
tests read the course from here; everything else (nox, the grader) reads the generated
``ci/manifest.json`` instead. (This module is ``course.py``, not ``manifest.py``, so that it is
never confused with that generated file.)
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = "solutions"


class BuildError(Exception):
    """A problem in the sources, reported as ``file:line: message``."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


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


@dataclass(frozen=True)
class Course:
    """The whole course: where it lives and its stages, in order."""

    root: Path
    stages: tuple[Stage, ...]

    def stage(self, number: int) -> Stage:
        return self.stages[number - 1]


def files_under(path: Path) -> list[Path]:
    """Every file below ``path``, sorted, without ``__pycache__``."""
    return sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def module_owners(course: Course) -> dict[str, Stage]:
    """The stage owning each file of ``solutions/tinytorch`` (paths relative to solutions/).

    Checks that each file is listed by exactly one stage's ``modules``, and that every module,
    milestone and systems script a stage lists exists.
    """
    manifest = f"{SOLUTIONS}/stages.toml"
    solutions = course.root / SOLUTIONS
    owners: dict[str, Stage] = {}
    for stage in course.stages:
        for rel in stage.modules:
            if rel in owners:
                raise BuildError(
                    manifest,
                    None,
                    f"{rel} is listed by stage {owners[rel].nn} and stage {stage.nn}",
                )
            owners[rel] = stage
        listed = [*stage.modules, *(f"milestones/{name}.py" for name in stage.milestones)]
        for rel in [*listed, *stage.systems]:
            if not (solutions / rel).is_file():
                raise BuildError(
                    manifest, None, f"stage {stage.nn} lists {rel}, which does not exist"
                )
    for path in files_under(solutions / "tinytorch"):
        rel = path.relative_to(solutions).as_posix()
        if rel not in owners:
            raise BuildError(
                f"{SOLUTIONS}/{rel}", None, "not listed in any stage's modules in stages.toml"
            )
    return owners
