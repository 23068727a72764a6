# Generated from solutions/tests/stage_01/test_smoke_tmp.py by scripts/build_stages.py: graded in this stage.
# Do not edit: the grader checks this file against ci/manifest.json.
import numpy as np
import pytest

import tinytorch as tt


@pytest.mark.points(2)
def test_add():
    """Adds."""
    assert (tt.tensor([1.0]) + tt.tensor([2.0])).item() == 3.0
