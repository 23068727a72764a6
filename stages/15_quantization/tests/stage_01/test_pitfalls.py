# Generated from solutions/tests/stage_01/test_pitfalls.py by scripts/build_stages.py: a regression check from stage 01.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 01: exact cases for mistakes that a few random examples rarely hit."""

import numpy as np
import pytest

import tinytorch as tt
from tinytorch_testing import assert_close

#: Shapes of 24 elements with a -1 beside two or more given sizes, in every position.
MINUS_ONE_SHAPES = [
    (-1, 2, 3),
    (2, -1, 3),
    (2, 3, -1),
    (-1, 3, 2, 2),
    (2, 2, -1, 3),
    (1, -1, 1, 4, 3),
]


@pytest.mark.points(
    2, hint="the -1 size is the element count divided by the product of ALL the given sizes"
)
def test_reshape_infers_minus_one_from_every_given_size():
    """A -1 beside two or more given sizes is inferred from all of them, wherever it stands."""
    a = np.arange(24, dtype=np.float32).reshape(4, 6)
    x = tt.tensor(a)
    for shape in MINUS_ONE_SHAPES:
        assert_close(x.reshape(shape), a.reshape(shape))
        assert_close(x.reshape(*shape), a.reshape(shape))
        assert_close(x.view(list(shape)), a.reshape(shape))
