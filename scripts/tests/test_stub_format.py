"""One stub-message format: what the generator writes is what the checks and the grader read."""

from __future__ import annotations

import grade as grader
from stub_format import Stub, find_stub, later_stub, own_stub
from test_generator import build, course  # noqa: F401  (the small course fixture)


def _raised(module_text: str, function: str) -> str:
    """Run ``function`` of a rendered module and return its failure as pytest reports it."""
    namespace: dict = {}
    exec(compile(module_text, "<stage>", "exec"), namespace)
    try:
        namespace[function](1)
    except NotImplementedError as error:
        return f"NotImplementedError: {error}"
    raise AssertionError(f"{function} did not raise")


def test_the_generators_stubs_parse_back_to_their_stage_and_name(course):  # noqa: F811
    files = build(course)
    core_1 = files["stages/01_core/tinytorch/core.py"]
    assert find_stub(_raised(core_1, "double")) == Stub(1, "double", own=True)
    assert find_stub(_raised(core_1, "triple")) == Stub(2, "triple", own=False)
    core_2 = files["stages/02_extra/tinytorch/core.py"]
    assert find_stub(_raised(core_2, "triple")) == Stub(2, "triple", own=True)


def test_messages_round_trip_and_other_errors_name_no_stub():
    own = f"NotImplementedError: {own_stub(3, 'Linear.forward', 'compute x @ W.T + b.')}"
    later = f"NotImplementedError: {later_stub('Add.backward', 5, 'Autograd')}"
    assert find_stub(own) == Stub(3, "Linear.forward", own=True)
    assert find_stub(later) == Stub(5, "Add.backward", own=False)
    assert find_stub(f"AssertionError: boom\n{later}") == Stub(5, "Add.backward", own=False)
    assert find_stub("NotImplementedError: not supported for int8") is None
    assert find_stub("AssertionError: stage 03: looks alike") is None


def test_the_grader_reads_the_same_format():
    message = f"NotImplementedError: {own_stub(2, 'ReLU.forward', 'clip below zero.')}"
    g = grader.grade(
        {
            "tests": [
                {
                    "nodeid": "stages/02_a/tests/stage_02/test_a.py::test_relu",
                    "stage": 2,
                    "points": 1,
                    "outcome": "failed",
                    "message": message,
                }
            ]
        },
        {
            "number": 2,
            "slug": "a",
            "title": "A",
            "points": 1,
            "dir": "stages/02_a",
            "tests": {"tests/stage_02/test_a.py::test_relu": {"points": 1, "cases": 1}},
        },
        [],
    )
    assert "Next: implement ReLU.forward" in grader.next_step(g)
