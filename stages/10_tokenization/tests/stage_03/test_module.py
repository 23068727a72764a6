# Generated from solutions/tests/stage_03/test_module.py by scripts/build_stages.py: a regression check from stage 03.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 03: nn.Module registers parameters, buffers and sub-modules, and walks the tree."""

import copy

import numpy as np
import pytest

import tinytorch as tt
from tinytorch import nn
from tinytorch_testing import assert_close


class Net(nn.Module):
    """A small model with every kind of member: own parameter, buffer, children, plain data."""

    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(tt.ones(1))
        self.fc1 = nn.Linear(3, 4)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(4, 2)
        self.register_buffer("running", tt.zeros(2))
        self.note = "plain attribute"

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x))) * self.scale


@pytest.mark.points(3, hint="__setattr__ must file Parameters and Modules in their dictionaries")
def test_assigning_parameters_and_modules_registers_them():
    """Assigned Parameters and Modules are registered; tensors and other values are not."""
    net = Net()
    assert list(net._parameters) == ["scale"]
    assert list(net._modules) == ["fc1", "act", "fc2"]
    assert list(net._buffers) == ["running"]
    assert net.note == "plain attribute" and "note" not in net._parameters
    assert net.fc1 is net._modules["fc1"] and net.scale is net._parameters["scale"]
    net.extra = tt.ones(2)  # a plain tensor is just an attribute
    assert "extra" not in net._parameters and "extra" not in net._buffers
    with pytest.raises(AttributeError, match="has no attribute 'missing'"):
        net.missing


@pytest.mark.points(3, hint="walk named_modules(); join names with '.'; skip None entries")
def test_named_parameters_have_dotted_names_in_registration_order():
    """named_parameters lists own parameters first, then each child's, with dotted names."""
    net = Net()
    names = [name for name, _ in net.named_parameters()]
    assert names == ["scale", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    params = list(net.parameters())
    assert params[1] is net.fc1.weight and params[4] is net.fc2.bias
    assert all(isinstance(p, nn.Parameter) for p in params)
    assert [name for name, _ in net.named_parameters(recurse=False)] == ["scale"]
    assert [name for name, _ in net.named_buffers()] == ["running"]
    assert next(net.named_parameters(prefix="model"))[0] == "model.scale"


@pytest.mark.points(3, hint="remember id() of every parameter already yielded")
def test_shared_parameters_and_modules_are_listed_once():
    """A layer or weight used twice is listed once by parameters() and modules()."""
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    assert len(list(model.parameters())) == 2
    assert len(list(model.modules())) == 3  # Sequential, Linear, ReLU
    tied = nn.Sequential(nn.Linear(3, 3, bias=False), nn.Linear(3, 3, bias=False))
    tied[1].weight = tied[0].weight
    assert [name for name, _ in tied.named_parameters()] == ["0.weight"]
    assert len(list(tied.named_parameters(remove_duplicate=False))) == 2


@pytest.mark.points(2, hint="the root is named prefix (''), a child '0', a grandchild '0.1'")
def test_children_and_modules():
    """children() are the direct sub-modules; modules() is the whole tree, depth first."""
    inner = nn.Sequential(nn.Linear(2, 2), nn.Tanh())
    outer = nn.Sequential(inner, nn.Linear(2, 1))
    assert list(outer.children()) == [inner, outer[1]]
    assert [name for name, _ in outer.named_children()] == ["0", "1"]
    names = [name for name, _ in outer.named_modules()]
    assert names == ["", "0", "0.0", "0.1", "1"]
    assert list(outer.modules())[2] is inner[0]


@pytest.mark.points(3, hint="set self.training and recurse into self.children(); return self")
def test_train_and_eval_are_recursive_and_return_self():
    """eval() and train() switch every module in the tree and return the module itself."""
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Dropout(0.5), nn.ReLU()))
    assert all(m.training for m in model.modules())
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    assert model.train() is model
    assert all(m.training for m in model.modules())
    assert model.train(False) is model and not model[1][0].training
    with pytest.raises(ValueError, match="bool"):
        model.train("yes")


@pytest.mark.points(2, hint="set_to_none=True sets .grad = None; False zeroes .grad.data in place")
def test_zero_grad_clears_or_zeroes_every_gradient():
    """zero_grad() sets every .grad to None; zero_grad(set_to_none=False) zeroes it in place."""
    model = nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1))
    for p in model.parameters():
        p.grad = tt.ones(p.shape)
    grads = [p.grad for p in model.parameters()]
    model.zero_grad(set_to_none=False)
    for p, g in zip(model.parameters(), grads, strict=True):
        assert p.grad is g
        assert_close(p.grad, np.zeros(p.shape, dtype=np.float32))
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


@pytest.mark.points(2, hint="buffers live in _buffers: in the state dict, not in parameters()")
def test_buffers_are_state_but_not_parameters():
    """register_buffer: in state_dict (unless persistent=False), never in parameters()."""
    net = Net()
    net.register_buffer("cache", tt.ones(3), persistent=False)
    assert all(p is not net.running for p in net.parameters())
    assert "running" in net.state_dict() and "cache" not in net.state_dict()
    assert [name for name, _ in net.named_buffers()] == ["running", "cache"]
    net.running = tt.full((2,), 5.0)  # assigning a tensor to a buffer name updates the buffer
    assert_close(net.state_dict()["running"], np.full(2, 5.0, dtype=np.float32))
    with pytest.raises(TypeError, match="buffer"):
        net.register_buffer("bad", [1, 2])
    with pytest.raises(KeyError, match="already exists"):
        net.register_buffer("note", tt.ones(1))
    with pytest.raises(KeyError, match="already exists"):
        net.register_buffer("scale", tt.ones(1))  # a parameter's name


@pytest.mark.points(
    2,
    hint="a Tensor for a parameter's name: TypeError '... (a tinytorch.nn.Parameter or None expected)'",
)
def test_bad_assignments_raise_clear_errors():
    """A plain tensor cannot replace a Parameter, and a module must call super().__init__()."""
    net = Net()
    net.fc1 = nn.Linear(3, 4)  # replacing a member keeps its place in the order
    assert list(net._modules) == ["fc1", "act", "fc2"]
    net.scale = None  # None is allowed: the parameter is switched off
    assert next(net.named_parameters())[0] == "fc1.weight"
    with pytest.raises(TypeError, match="Parameter or None expected"):
        net.fc1.weight = tt.ones(4, 3)

    class Forgetful(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(2, 2)

    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\)"):
        Forgetful()


@pytest.mark.points(2, hint="Module.__call__ runs forward; Sequential feeds outputs onward")
def test_call_runs_forward_and_hooks():
    """model(x) runs forward; a forward hook sees the module, its inputs and its output."""
    tt.manual_seed(0)
    net = Net()
    x = tt.randn(5, 3)
    seen = []
    handle = net.fc1.register_forward_hook(lambda m, args, out: seen.append(out.shape))
    out = net(x)
    assert out.shape == (5, 2) and out.dtype == tt.float32
    w1, b1, w2, b2 = (p.data for p in (net.fc1.weight, net.fc1.bias, net.fc2.weight, net.fc2.bias))
    expected = np.maximum(x.data @ w1.T + b1, 0) @ w2.T + b2
    assert_close(out, expected.astype(np.float32), rtol=1e-5)
    assert seen == [(5, 4)]
    handle.remove()
    net(x)
    assert seen == [(5, 4)]


@pytest.mark.points(2, hint="__getattr__ must not recurse when _parameters does not exist yet")
def test_deepcopy_gives_an_independent_model():
    """copy.deepcopy of a model copies its parameters: changing the copy leaves the original."""
    tt.manual_seed(1)
    net = Net()
    twin = copy.deepcopy(net)
    x = tt.randn(4, 3)
    assert_close(twin(x), net(x))
    twin.fc1.weight.data[...] = 0
    assert not np.all(net.fc1.weight.data == 0)
    assert [n for n, _ in twin.named_parameters()] == [n for n, _ in net.named_parameters()]


@pytest.mark.points(
    3, hint="children's reprs are indented by two spaces, lines after the first too"
)
def test_repr_is_nested_like_pytorch():
    """repr shows each child on its own line, indented, with each layer's settings."""
    model = nn.Sequential(
        nn.Linear(4, 3),
        nn.ReLU(),
        nn.Sequential(nn.Linear(3, 2, bias=False), nn.Dropout(0.25)),
    )
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=4, out_features=3, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Sequential(\n"
        "    (0): Linear(in_features=3, out_features=2, bias=False)\n"
        "    (1): Dropout(p=0.25, inplace=False)\n"
        "  )\n"
        ")"
    )
    assert repr(nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"
    assert repr(nn.Identity()) == "Identity()"


@pytest.mark.points(1)
def test_apply_visits_every_module_children_first():
    """apply(fn) calls fn on every sub-module, then on the module itself, and returns it."""
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU()))
    visited = []
    assert model.apply(lambda m: visited.append(type(m).__name__)) is model
    assert visited == ["Linear", "ReLU", "Sequential", "Sequential"]
    for layer in model.modules():
        if isinstance(layer, nn.Linear):
            nn.init.zeros_(layer.weight)
    assert_close(model[0].weight, np.zeros((2, 2), dtype=np.float32))


@pytest.mark.points(1)
def test_to_double_converts_parameters_in_place():
    """double() turns float parameters and buffers into float64, keeping the same objects."""
    net = Net()
    weight = net.fc1.weight
    assert net.double() is net
    assert net.fc1.weight is weight and weight.dtype == tt.float64
    assert net.running.dtype == tt.float64
    assert net(tt.ones(2, 3, dtype=tt.float64)).dtype == tt.float64
    assert net.float().fc2.bias.dtype == tt.float32
