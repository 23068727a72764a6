"""Containers: modules that hold other modules.

``Sequential`` feeds each module's output into the next, which is a whole MLP in one line.
``ModuleList`` only holds modules (for a ``forward`` that loops over them itself, such as a
stack of transformer blocks). Both register their members under the names "0", "1", ..., so
``parameters()`` finds them and a state dict names them ``"0.weight"``, ``"1.bias"``, ...

A plain Python list of layers would *not* work: ``Module.__setattr__`` only registers Modules
and Parameters, so the layers inside a list would be invisible to ``parameters()``.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Iterable, Iterator

from tinytorch.nn.module import Module


def _index(container: Module, idx) -> int:
    """Map a possibly negative position into ``range(len(container))`` or raise IndexError."""
    size = len(container)
    if not isinstance(idx, int) or isinstance(idx, bool):
        raise TypeError(
            f"{type(container).__name__} indices must be integers or slices, got {idx!r}"
        )
    if not -size <= idx < size:
        raise IndexError(
            f"index {idx} is out of range for a {type(container).__name__} of length {size}"
        )
    return idx % size


class Sequential(Module):
    """Modules applied one after another: ``Sequential(Linear(4, 8), ReLU(), Linear(8, 2))``.

    Also accepts one ``OrderedDict`` of name -> module to choose the names. Indexable (an int
    gives a module, a slice a new Sequential), iterable, and has ``len``.
    """

    def __init__(self, *args: Module) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for position, module in enumerate(args):
                self.add_module(str(position), module)

    def forward(self, input):
        for module in self._modules.values():
            input = module(input)
        return input

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __getitem__(self, idx) -> Module | Sequential:
        items = list(self._modules.items())
        if isinstance(idx, slice):
            return Sequential(OrderedDict(items[idx]))
        return items[_index(self, idx)][1]

    def __setitem__(self, idx: int, module: Module) -> None:
        setattr(self, list(self._modules)[_index(self, idx)], module)

    def append(self, module: Module) -> Sequential:
        """Add ``module`` at the end; returns self."""
        self.add_module(str(len(self)), module)
        return self


class ModuleList(Module):
    """A list of modules that registers them: ``ModuleList([Linear(4, 4) for _ in range(3)])``.

    It has no ``forward``: the module that owns it decides how to call its members.
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __getitem__(self, idx) -> Module | ModuleList:
        modules = list(self._modules.values())
        if isinstance(idx, slice):
            return ModuleList(modules[idx])
        return modules[_index(self, idx)]

    def __setitem__(self, idx: int, module: Module) -> None:
        setattr(self, str(_index(self, idx)), module)

    def append(self, module: Module) -> ModuleList:
        """Add ``module`` at the end; returns self."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Append each of ``modules``; returns self."""
        for module in modules:
            self.append(module)
        return self

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def insert(self, index: int, module: Module) -> None:
        """Insert ``module`` before position ``index``; later modules move up by one."""
        modules = list(self._modules.values())
        modules.insert(index, module)
        self._modules.clear()
        self.extend(modules)

    def __repr__(self) -> str:
        """Like Module's, but runs of identical layers print once, as in PyTorch::

        ModuleList(
          (0-2): 3 x Linear(in_features=4, out_features=4, bias=True)
          (3): ReLU()
        )
        """
        lines, start = [], 0
        for text, run in itertools.groupby(repr(module) for module in self):
            count = len(list(run))
            where = f"{start}-{start + count - 1}): {count} x " if count > 1 else f"{start}): "
            lines.append("(" + where + text.replace("\n", "\n  "))
            start += count
        body = "\n  " + "\n  ".join(lines) + "\n" if lines else ""
        return f"{type(self).__name__}({body})"
