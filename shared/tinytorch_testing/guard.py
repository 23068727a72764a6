"""Detect code that patches the grading machinery from inside the test process.

A graded run imports the learner's ``tinytorch`` into the same process as pytest, the test
helpers and NumPy, so that code could, say, replace ``_pytest.reports.TestReport``,
``numpy.testing.assert_allclose`` or ``tinytorch_testing.assert_close`` and make every test
pass. The grading plugin imports this module before any learner code runs; it records what
every trusted module holds (each function, class and the code of each Python function, and
each class's methods) and :meth:`Guard.changes` names anything replaced since.

This is detection, not a sandbox: the verdict is computed by ``ci/grade.py`` in a separate
process, which also rejects results that were not signed by this run (see the plugin).
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import types
from collections.abc import Iterable

#: Modules whose contents a graded run must not change (prefixes match submodules).
TRUSTED_PREFIXES = (
    "builtins", "math", "json", "hmac", "hashlib", "pathlib",
    "numpy", "pytest", "_pytest", "pluggy", "hypothesis", "_hypothesis_pytestplugin",
    "pytest_timeout", "xdist", "execnet", "tinytorch_testing",
)  # fmt: skip

#: Attributes that legitimately change while tests run (caches and lazily bound helpers).
_VOLATILE = frozenset(
    {
        "__builtins__",
        "__loader__",
        "__spec__",
        "_",
        # numpy sets its own error state and lazily binds a few submodules.
        "__getattr__",
    }
)


#: Imported before the snapshot, so that a module loaded lazily later is covered too.
PRELOAD = ("numpy.testing", "numpy.linalg", "numpy.random", "numpy.fft", "hypothesis.extra.numpy")


def _trusted(name: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in TRUSTED_PREFIXES)


def _watched(value: object) -> bool:
    return isinstance(
        value, (types.FunctionType, types.BuiltinFunctionType, type, types.ModuleType)
    )


class Guard:
    """A snapshot of the trusted modules, and the differences from it later on."""

    def __init__(self) -> None:
        self.snapshot: dict[tuple[str, str], tuple] = {}
        self.modules: list[str] = []
        for name in PRELOAD:
            with contextlib.suppress(ImportError):
                importlib.import_module(name)
        self.take()

    @staticmethod
    def _fingerprint(value: object) -> tuple:
        if isinstance(value, types.FunctionType):
            return (value, value.__code__, value.__defaults__, value.__kwdefaults__)
        return (value,)

    def _entries(self, module: types.ModuleType) -> Iterable[tuple[tuple[str, str], tuple]]:
        name = module.__name__
        for attr, value in list(vars(module).items()):
            if attr in _VOLATILE or not _watched(value):
                continue
            yield (name, attr), self._fingerprint(value)
            if isinstance(value, type) and getattr(value, "__module__", None) == name:
                for key, member in list(vars(value).items()):
                    member = getattr(member, "__func__", member)  # classmethod/staticmethod
                    if isinstance(member, (types.FunctionType, property)):
                        yield (name, f"{attr}.{key}"), self._fingerprint(member)

    def take(self) -> None:
        """Record every trusted module loaded so far (call again after more are imported)."""
        for name, module in sorted(sys.modules.items()):
            if module is None or not _trusted(name) or name in self.modules:
                continue
            self.modules.append(name)
            self.snapshot.update(self._entries(module))

    def changes(self) -> list[str]:
        """``module.attribute`` of each trusted object that was replaced or removed."""
        found = []
        for (name, attr), before in self.snapshot.items():
            module = sys.modules.get(name)
            if module is None:
                found.append(f"{name} (module removed)")
                continue
            owner, _, member = attr.partition(".")
            value = vars(module).get(owner, _MISSING)
            if member and value is not _MISSING:
                value = vars(value).get(member, _MISSING) if isinstance(value, type) else _MISSING
                value = getattr(value, "__func__", value)
            now = self._fingerprint(value) if value is not _MISSING else ()
            if len(now) != len(before) or any(a is not b for a, b in zip(now, before, strict=True)):
                found.append(f"{name}.{attr}")
        return found


_MISSING = object()
