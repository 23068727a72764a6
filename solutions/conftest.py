"""pytest set-up for the reference solution (``nox -s verify``).

Makes ``solutions/tinytorch`` (the complete reference package) and the course's shared test
helpers importable, and loads the grading plugin, so every stage's tests run against the
reference exactly as they run against a learner's stage folder.
"""

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
for _path in (_HERE.parent / "shared", _HERE):
    if str(_path) in sys.path:
        sys.path.remove(str(_path))
    sys.path.insert(0, str(_path))

pytest_plugins = ["tinytorch_testing.plugin"]
