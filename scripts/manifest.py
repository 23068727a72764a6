"""The course manifest, ``solutions/stages.toml``: one ``[[stage]]`` table per stage.

Read and validated here for the generator, the invariant checker and the tests; everything
else (nox, the grader) reads the generated ``ci/manifest.json`` instead.
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
