"""Solution markers: parsing errors name file:line; rendering gives each stage its view."""

from __future__ import annotations

import textwrap

import pytest
from markers import BuildError, parse_blocks

MODULE = "solutions/tinytorch/m.py"


def parse(source: str, owner: int = 2, stages: int = 20):
    return parse_blocks(MODULE, textwrap.dedent(source).splitlines(), owner, stages)


def error_of(source: str, owner: int = 2) -> BuildError:
    with pytest.raises(BuildError) as info:
        parse(source, owner)
    return info.value


def test_balanced_blocks_parse_with_their_stages():
    blocks = parse(
        """
        def f():
            # BEGIN SOLUTION
            # TODO: x
            return 1
            # END SOLUTION

        # BEGIN REVEAL stage=05
        def g():
            # BEGIN SOLUTION stage=07
            # TODO: y
            return 2
            # END SOLUTION
        # END REVEAL
        """
    )
    assert [(b.kind, b.stage) for b in blocks] == [("SOLUTION", 2), ("REVEAL", 5)]
    assert [(c.kind, c.stage) for c in blocks[1].children] == [("SOLUTION", 7)]


@pytest.mark.parametrize(
    ("source", "line", "words"),
    [
        ("def f():\n    # BEGIN SOLUTION\n    return 1\n", 2, "never closed"),
        ("def f():\n    return 1\n    # END SOLUTION\n", 3, "without a matching BEGIN"),
        ("# BEGIN REVEAL stage=05\nx = 1\n# END SOLUTION\n", 3, "closes the BEGIN REVEAL"),
        ("def f():\n    # BEGIN SOLUTION stage=42\n    # END SOLUTION\n", 2, "unknown stage 42"),
        (
            "def f():\n    # BEGIN SOLUTION stage=01\n    # END SOLUTION\n",
            2,
            "only arrives in stage 02",
        ),
        ("# BEGIN REVEAL stage=02\n# END REVEAL\n", 1, "hides nothing"),
        ("# BEGIN REVEAL\n# END REVEAL\n", 1, "REVEAL needs the stage"),
        ("def f():\n    # BEGIN SOLUTON\n", 2, "malformed marker"),
        ("# BEGIN REVEAL stage=05\n# BEGIN REVEAL stage=06\n", 2, "only SOLUTION blocks may nest"),
        (
            "# BEGIN REVEAL stage=06\ndef f():\n    # BEGIN SOLUTION stage=05\n",
            3,
            "inside a REVEAL of stage 06",
        ),
        ("def f():\n    # BEGIN SOLUTION\n  # END SOLUTION\n", 3, "indented differently"),
    ],
)
def test_marker_errors_name_file_line_and_cause(source, line, words):
    error = error_of(source)
    assert (error.path, error.line) == (MODULE, line)
    assert words in error.message
    assert str(error).startswith(f"{MODULE}:{line}: ")
