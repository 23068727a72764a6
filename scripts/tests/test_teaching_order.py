"""The README table and the grader's "Next:" step follow the order the README's hints teach."""

from __future__ import annotations

from pathlib import Path

from build_stages import GradedTest, _test_functions, teaching_order

DOC = """## What you build

Conv2d, pooling and batch norm (`nn.BatchNorm2d`, `nn.MaxPool2d`, `nn.Conv2d`).

## Hints

Work in this order: conv, then pooling, then batchnorm.

1. **`Conv2d.forward`** (`ops/conv.py`): pad, take the windows.
2. **Pooling** (`ops/pooling.py`): loop over the taps.
3. **`BatchNorm.forward`** (`ops/batchnorm.py`): reduce over every axis but 1.

## Systems note

Nothing about the rules.
"""


def graded(file: str, name: str, kind: int, line: int) -> GradedTest:
    return GradedTest(file, name, "1", "", kind, line)


def test_files_follow_the_numbered_hints_and_direct_tests_come_before_gradients():
    tests = [
        graded("test_batchnorm.py", "test_bn", 0, 1),
        graded("test_pytorch_rules.py", "test_rule", 0, 1),
        graded("test_conv.py", "test_conv_gradcheck", 1, 5),
        graded("test_conv.py", "test_conv_resume", 2, 2),
        graded("test_conv.py", "test_conv_forward", 0, 9),
        graded("test_pooling.py", "test_pool", 0, 1),
    ]
    assert [t.id for t in teaching_order(DOC, tests)] == [
        "test_conv.py::test_conv_forward",
        "test_conv.py::test_conv_gradcheck",
        "test_conv.py::test_conv_resume",
        "test_pooling.py::test_pool",
        "test_batchnorm.py::test_bn",
        "test_pytorch_rules.py::test_rule",
    ]


def test_a_tests_kind_is_read_from_its_source(tmp_path: Path):
    source = '''
import pytest


@pytest.mark.points(2)
def test_forward():
    """Forward."""
    assert conv(x) == y


@pytest.mark.points(1)
@pytest.mark.parametrize("case", [1, 2, 3])
def test_gradient(case):
    """Gradient."""
    gradcheck(conv, x)


@pytest.mark.points(1)
def test_backward_call():
    loss.backward()


@pytest.mark.milestone
@pytest.mark.points(5)
def test_reaches_98_percent():
    main()


@pytest.mark.points(4)
def test_resuming_reproduces_the_run():
    pass
'''
    path = tmp_path / "test_conv.py"
    path.write_text(source)
    found = {t.name: (t.kind, t.points, t.doc) for t in _test_functions(path)}
    assert found == {
        "test_forward": (0, "2", "Forward."),
        "test_gradient": (1, "1 × 3", "Gradient."),
        "test_backward_call": (1, "1", ""),
        "test_reaches_98_percent": (2, "5", ""),
        "test_resuming_reproduces_the_run": (2, "4", ""),
    }
