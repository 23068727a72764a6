# Generated from solutions/tests/stage_04/test_pitfalls.py by scripts/build_stages.py: a regression check from stage 04.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 04: exact cases for mistakes that random examples rarely hit."""

import numpy as np
import pytest

import tinytorch as tt
import tinytorch.nn.functional as F
from tinytorch_testing import assert_close


@pytest.mark.points(1, hint="label_smoothing = 1 is allowed: the target is then uniform")
def test_cross_entropy_with_full_label_smoothing_is_the_mean_negative_log_probability():
    """With label_smoothing=1 every class gets weight 1/C: the loss of a row is the mean of
    -log softmax over its classes, whatever the target id."""
    x = np.array([[1.0, 2.0, 3.0], [0.0, 1.0, -1.0]], np.float32)
    logp = x - np.log(np.exp(x).sum(axis=1, keepdims=True))
    expected = (-logp.mean(axis=1)).mean()
    for target in ([0, 2], [1, 1]):
        loss = F.cross_entropy(tt.tensor(x), tt.tensor(target), label_smoothing=1.0)
        assert_close(loss, np.float32(expected), rtol=1e-5)
