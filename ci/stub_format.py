"""How a stub announces itself: written by the generator, read by the invariants and the grader.

Every ``# BEGIN SOLUTION`` block of the reference becomes, in a stage that has not solved it,
``raise NotImplementedError(message)`` with one of two messages:

- in the block's own stage, the learner's work: ``stage 03: Linear.forward: <the TODO line>``;
- in an earlier stage, work a later stage brings: ``Linear.forward arrives in stage 05 (Autograd)``.

``scripts/markers.py`` writes them with :func:`own_stub` and :func:`later_stub`;
``scripts/invariants.py`` and ``ci/grade.py`` read them back from a test's failure message with
:func:`find_stub`. Defining both directions here keeps them from drifting apart (a test in
``scripts/tests`` renders a stub and parses it back). Standard library only: the grader runs
it in a learner's repository.
"""

from __future__ import annotations

import re
from typing import NamedTuple


def own_stub(stage: int, name: str, todo: str) -> str:
    """The message of a stub the learner of ``stage`` writes (``name`` is qualified)."""
    return f"stage {stage:02d}: {name}: {todo}"


def later_stub(name: str, stage: int, title: str) -> str:
    """The message of a stub whose work arrives in a later ``stage``."""
    return f"{name} arrives in stage {stage:02d} ({title})"


class Stub(NamedTuple):
    """A stub found in a failure message."""

    stage: int  # the stage whose work it is
    name: str  # the qualified function name, e.g. "Linear.forward"
    own: bool  # True for an own-stage stub ("stage NN: ..."), False for "arrives in stage NN"


_OWN = re.compile(r"NotImplementedError:\s+stage (\d{2}): ([\w.]+)(?=:|\s|$)", re.M)
_LATER = re.compile(r"NotImplementedError:\s+([\w.]+) arrives in stage (\d{2}) \(")


def find_stub(message: str) -> Stub | None:
    """The first stub named in a failure ``message`` (``NotImplementedError: ...``), if any."""
    found = [
        (m.start(), Stub(int(m.group(1)), m.group(2), True)) for m in [_OWN.search(message)] if m
    ]
    found += [
        (m.start(), Stub(int(m.group(2)), m.group(1), False)) for m in [_LATER.search(message)] if m
    ]
    return min(found)[1] if found else None
