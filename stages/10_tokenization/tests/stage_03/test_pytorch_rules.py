# Generated from solutions/tests/stage_03/test_pytorch_rules.py by scripts/build_stages.py: a regression check from stage 03.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 03: ModuleList's list methods and repr, and load_state_dict's result, as in PyTorch."""

import pytest

import tinytorch as tt
from tinytorch import nn


@pytest.mark.points(1, hint="ModuleList.__repr__ folds runs of identical layers: (0-2): 3 x ...")
def test_module_list_repr_folds_repeats_and_list_methods_work():
    """Identical neighbours print once as "(0-2): 3 x Linear(...)"; insert and += register
    their modules under the right positions."""
    layers = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)])
    layers += [nn.ReLU()]
    layers.insert(0, nn.Tanh())
    assert [type(m).__name__ for m in layers] == ["Tanh", "Linear", "Linear", "Linear", "ReLU"]
    assert [name for name, _ in layers.named_children()] == ["0", "1", "2", "3", "4"]
    assert len(list(layers.parameters())) == 6
    assert repr(layers) == (
        "ModuleList(\n"
        "  (0): Tanh()\n"
        "  (1-3): 3 x Linear(in_features=4, out_features=4, bias=True)\n"
        "  (4): ReLU()\n"
        ")"
    )


@pytest.mark.points(1)
def test_load_state_dict_reports_a_clean_match():
    """load_state_dict returns (missing_keys, unexpected_keys); a full match prints as
    <All keys matched successfully>, as in PyTorch."""
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    result = model.load_state_dict(model.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == "<All keys matched successfully>"
    state = model.state_dict()
    del state["2.bias"]
    state["extra"] = tt.zeros(1)
    result = model.load_state_dict(state, strict=False)
    assert result == (["2.bias"], ["extra"])
    assert "missing_keys=['2.bias']" in repr(result)
