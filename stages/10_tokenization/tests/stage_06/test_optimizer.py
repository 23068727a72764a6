# Generated from solutions/tests/stage_06/test_optimizer.py by scripts/build_stages.py: a regression check from stage 06.
# Do not edit: the grader checks this file against ci/manifest.json.
"""The Optimizer base class: zero_grad, skipping, parameter groups, and state dicts."""

import numpy as np
import pytest

import tinytorch as tt
from tinytorch import optim
from tinytorch_testing import assert_close

OPTIMIZERS = {
    "sgd": lambda params: optim.SGD(params, lr=0.1),
    "sgd_momentum": lambda params: optim.SGD(params, lr=0.1, momentum=0.9, nesterov=True),
    "adam": lambda params: optim.Adam(params, lr=0.1, amsgrad=True),
    "adamw": lambda params: optim.AdamW(params, lr=0.1),
    "rmsprop": lambda params: optim.RMSprop(params, lr=0.01, momentum=0.5, centered=True),
}


def make_params(seed=0):
    rng = np.random.default_rng(seed)
    return [
        tt.tensor(rng.standard_normal((3, 2)).astype(np.float32), requires_grad=True),
        tt.tensor(rng.standard_normal(4).astype(np.float32), requires_grad=True),
    ]


def set_grads(params, rng):
    for p in params:
        p.grad = tt.tensor(rng.standard_normal(p.shape).astype(np.float32))


@pytest.mark.points(2, hint="set_to_none=False must zero the existing array in place")
def test_zero_grad_sets_none_or_zeros_in_place():
    """zero_grad() drops gradients; zero_grad(set_to_none=False) zeroes the same arrays."""
    params = make_params()
    opt = optim.SGD(params, lr=0.1)
    set_grads(params, np.random.default_rng(1))
    arrays = [p.grad.data for p in params]
    opt.zero_grad(set_to_none=False)
    for p, array in zip(params, arrays, strict=True):
        assert p.grad.data is array
        assert not array.any()
    opt.zero_grad()
    assert all(p.grad is None for p in params)


@pytest.mark.points(1, hint="a parameter whose .grad is None is skipped entirely")
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_parameters_without_gradient_are_untouched(name):
    """A parameter with no gradient is neither moved nor given state (AdamW's decay included)."""
    used, unused = make_params()
    before = unused.data.copy()
    opt = OPTIMIZERS[name]([used, unused])
    used.grad = tt.ones(*used.shape)
    opt.step()
    assert_close(unused, before)
    assert not opt.state.get(unused)
    assert not np.allclose(used.data, make_params()[0].data)


@pytest.mark.points(2)
def test_each_parameter_group_uses_its_own_hyper_parameters():
    """Groups keep their own lr; unset options come from the defaults; add_param_group works."""
    a, b = make_params()
    c = tt.tensor([1.0], requires_grad=True)
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.01}], lr=0.1, momentum=0.0)
    opt.add_param_group({"params": [c], "lr": 1.0})
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.01, 1.0]
    assert all(g["momentum"] == 0.0 for g in opt.param_groups)
    before = [p.data.copy() for p in (a, b, c)]
    for p in (a, b, c):
        p.grad = tt.ones(*p.shape)
    opt.step()
    for p, old, lr in zip((a, b, c), before, (0.1, 0.01, 1.0), strict=True):
        assert_close(p, old - np.float32(lr))


@pytest.mark.points(2)
def test_bad_parameter_lists_are_refused():
    """An empty list, a bare tensor, a set, a duplicate or a non-tensor give clear errors."""
    a, b = make_params()
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="single Tensor"):
        optim.SGD(a, lr=0.1)
    with pytest.raises(TypeError, match="not a set"):
        optim.SGD([{"params": {a}}], lr=0.1)
    with pytest.raises(ValueError, match="more than once"):
        optim.SGD([{"params": [a]}, {"params": [a, b]}], lr=0.1)
    with pytest.raises(TypeError, match=r"only optimize Tensors.*ndarray"):
        optim.Adam([a.data])
    with pytest.raises(ValueError, match="non-leaf"):
        optim.Adam([a * 2])
    opt = optim.SGD([a, b], lr=0.1)
    a.grad = tt.ones(*a.shape)
    opt.step()


@pytest.mark.points(2)
def test_step_calls_the_closure_and_returns_its_loss():
    """step(closure) re-evaluates the loss with gradients enabled and returns it."""
    p = tt.tensor([3.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with tt.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 9.0
    assert_close(p, np.array([1.5], dtype=np.float32))


def run_steps(opt, params, rng, steps):
    for _ in range(steps):
        set_grads(params, rng)
        opt.step()


@pytest.mark.points(2, hint="state_dict numbers parameters 0, 1, ... across groups")
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_state_dict_round_trip_resumes_exactly(name):
    """Saving mid-run and loading into a fresh optimizer continues bit for bit."""
    straight = make_params()
    opt = OPTIMIZERS[name](straight)
    run_steps(opt, straight, np.random.default_rng(5), 6)

    first = make_params()
    opt1 = OPTIMIZERS[name](first)
    rng = np.random.default_rng(5)
    run_steps(opt1, first, rng, 3)
    saved = opt1.state_dict()
    resumed = [tt.tensor(p.data.copy(), requires_grad=True) for p in first]
    opt2 = OPTIMIZERS[name](resumed)
    opt2.load_state_dict(saved)
    run_steps(opt2, resumed, rng, 3)
    for p, q in zip(straight, resumed, strict=True):
        np.testing.assert_array_equal(p.data, q.data)
    expected, actual = opt.state_dict(), opt2.state_dict()
    assert expected["param_groups"] == actual["param_groups"]
    assert expected["state"].keys() == actual["state"].keys()
    for i, state in expected["state"].items():
        assert state.keys() == actual["state"][i].keys()
        for key, value in state.items():
            other = actual["state"][i][key]
            if isinstance(value, tt.Tensor):
                assert value.dtype == other.dtype
                np.testing.assert_array_equal(value.data, other.data)
            else:
                assert value == other


@pytest.mark.points(2)
def test_state_dict_has_pytorchs_layout_and_is_a_snapshot():
    """state_dict() is {"state": {index: ...}, "param_groups": [...]} and later steps leave it alone."""
    a, b = make_params()
    opt = optim.Adam([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    rng = np.random.default_rng(0)
    run_steps(opt, [a, b], rng, 1)
    saved = opt.state_dict()
    assert set(saved) == {"state", "param_groups"}
    assert [g["params"] for g in saved["param_groups"]] == [[0], [1]]
    assert [g["lr"] for g in saved["param_groups"]] == [0.1, 0.5]
    assert set(saved["state"]) == {0, 1}
    assert set(saved["state"][0]) == {"step", "exp_avg", "exp_avg_sq"}
    snapshot = saved["state"][0]["exp_avg"].data.copy()
    run_steps(opt, [a, b], rng, 1)
    np.testing.assert_array_equal(saved["state"][0]["exp_avg"].data, snapshot)
    assert saved["state"][0]["step"] == 1


@pytest.mark.points(2)
def test_load_state_dict_rejects_a_mismatch():
    """Loading into different groups, sizes or shapes fails, naming what differs."""
    a, b = make_params()
    opt = optim.SGD([a, b], lr=0.1, momentum=0.9)
    run_steps(opt, [a, b], np.random.default_rng(0), 2)
    saved = opt.state_dict()
    one_param = {"state": {}, "param_groups": [{"lr": 0.1, "params": [0]}]}
    with pytest.raises(ValueError, match=r"group 0 has 2 parameters.*has 1"):
        optim.SGD(make_params(), lr=0.1).load_state_dict(one_param)
    two_groups = {"state": {}, "param_groups": saved["param_groups"] * 2}
    with pytest.raises(ValueError, match=r"2 parameter groups.*has 1"):
        optim.SGD(make_params(), lr=0.1).load_state_dict(two_groups)
    transposed = [tt.zeros(2, 3, requires_grad=True), tt.zeros(4, requires_grad=True)]
    with pytest.raises(ValueError, match=r"shape \(3, 2\).*shape \(2, 3\)"):
        optim.SGD(transposed, lr=0.1, momentum=0.9).load_state_dict(saved)
    with pytest.raises(ValueError, match="'state' and 'param_groups'"):
        optim.SGD(make_params(), lr=0.1).load_state_dict({"params": []})
    fresh = make_params()
    loaded = optim.SGD(fresh, lr=0.7)
    loaded.load_state_dict(saved)
    assert loaded.param_groups[0]["lr"] == 0.1
    assert loaded.param_groups[0]["params"][0] is fresh[0]
    assert_close(loaded.state[fresh[0]]["momentum_buffer"], saved["state"][0]["momentum_buffer"])
