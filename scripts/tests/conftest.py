"""Machinery tests: import the generator, the grader, the test helpers and the reference package."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for path in (
    ROOT / "solutions",
    ROOT / "shared",
    ROOT / "ci",
    ROOT / "scripts",
    ROOT / "scripts" / "tests",
):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
