"""The Optimizer: what turns gradients into better parameters.

After ``loss.backward()`` every parameter holds a gradient in ``.grad``. An optimizer's
``step()`` moves each parameter a little against it; ``zero_grad()`` then clears the gradients,
because ``backward`` *adds* into ``.grad``. Every training loop is these three lines::

    optimizer.zero_grad()
    loss_fn(model(x), y).backward()
    optimizer.step()

The base class below owns the bookkeeping every optimizer shares, as ``torch.optim.Optimizer``:

- **parameter groups**: a list of dicts, each with its ``"params"`` and its own hyper-parameters,
  so one optimizer can give a pretrained body a smaller learning rate than a fresh head;
- **state**: one dict per parameter (momentum buffers, running averages), keyed by the parameter;
- ``state_dict()`` / ``load_state_dict()``: that state as plain data, for checkpoints.

A subclass only says how *one* parameter is updated, in ``_update``.
"""

from __future__ import annotations

import copy
import numbers
from collections import defaultdict
from collections.abc import Callable, Iterable

import numpy as np

from tinytorch.autograd import enable_grad, no_grad
from tinytorch.tensor import Tensor


class Optimizer:
    """Base class of all optimizers.

    Args:
        params: an iterable of tensors, or of dicts (parameter groups) such as
            ``[{"params": body.parameters()}, {"params": head.parameters(), "lr": 1e-2}]``.
        defaults: the hyper-parameters a group gets when it does not set its own.
    """

    def __init__(self, params: Iterable, defaults: dict) -> None:
        self.defaults = dict(defaults)
        #: Per-parameter state, keyed by the parameter tensor (tensors hash by identity).
        self.state: defaultdict[Tensor, dict] = defaultdict(dict)
        self.param_groups: list[dict] = []
        if isinstance(params, Tensor):
            raise TypeError(
                "params must be an iterable of Tensors or of dicts (parameter groups), got a "
                "single Tensor; pass [tensor] instead"
            )
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters; hyper-parameters it does not set come from the defaults.

        Useful for fine-tuning: unfreeze a layer and hand it to the optimizer mid-training.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"a parameter group must be a dict, got {type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError(
                f"a parameter group needs a 'params' entry, got keys {sorted(param_group)}"
            )
        group = dict(param_group)
        params = group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(
                "parameters must be given in an ordered collection (a list), not a set: "
                "state_dict() numbers them by position"
            )
        params = list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"an optimizer can only optimize Tensors, got {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(
                    "cannot optimize a non-leaf tensor (one computed by an operation); "
                    "optimize the leaf tensors it was computed from"
                )
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        ids = [id(p) for p in params]
        if len(set(ids)) != len(ids) or seen.intersection(ids):
            raise ValueError("a parameter appears more than once in the optimizer's groups")
        for name, default in self.defaults.items():
            group.setdefault(name, default)
        for name, value in group.items():
            # NumPy scalars would promote float32 updates to float64: use Python numbers.
            if isinstance(value, np.generic):
                group[name] = value.item()
            elif isinstance(value, tuple):
                group[name] = tuple(v.item() if isinstance(v, np.generic) else v for v in value)
        self._validate(group)
        group["params"] = params
        self.param_groups.append(group)

    def _validate(self, group: dict) -> None:
        """Check a group's hyper-parameters (subclasses add their own rules)."""
        _check_at_least(group, "lr", 0.0)

    # ------------------------------------------------------------------ the update

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear every parameter's gradient before the next ``backward``.

        ``set_to_none=True`` (the default, as in PyTorch) drops the gradient arrays: it saves
        memory and lets ``step`` skip parameters that got no gradient. ``False`` fills them
        with zeros in place.
        """
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.data[...] = 0

    def step(self, closure: Callable | None = None):
        """Update every parameter that has a gradient; returns ``closure()``'s loss if given.

        ``closure`` re-evaluates the model and returns the loss (some optimizers, such as
        L-BFGS, need it; here it is optional).
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        self._update(p, p.grad.data, self.state[p], group)
        return loss

    def _update(self, param: Tensor, grad: np.ndarray, state: dict, group: dict) -> None:
        """Update ``param.data`` in place from its gradient, its state and its group's
        hyper-parameters. Each optimizer overrides this."""
        raise NotImplementedError(f"{type(self).__name__} does not define its update rule")

    # ------------------------------------------------------------------ checkpoints

    def state_dict(self) -> dict:
        """The optimizer as plain data: ``{"state": {index: {...}}, "param_groups": [...]}``.

        Parameters are numbered 0, 1, 2, ... in group order (tensors themselves cannot be
        saved as keys), exactly as PyTorch does. The state is a snapshot: later steps do not
        change it.
        """
        groups, state, index = [], {}, 0
        for group in self.param_groups:
            packed = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
            packed["params"] = list(range(index, index + len(group["params"])))
            for number, p in zip(packed["params"], group["params"], strict=True):
                if self.state.get(p):
                    state[number] = copy.deepcopy(self.state[p])
            index += len(group["params"])
            groups.append(packed)
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore hyper-parameters and state saved by :meth:`state_dict`.

        The optimizer must have the same groups with the same number of parameters, in the
        same order, as the one that was saved; state arrays must match the parameters' shapes.
        """
        params = self._check_loadable(state_dict)
        for group, saved in zip(self.param_groups, state_dict["param_groups"], strict=True):
            group.update({k: copy.deepcopy(v) for k, v in saved.items() if k != "params"})
        self.state = defaultdict(dict)
        for number, saved_state in state_dict["state"].items():
            p = params[number]
            self.state[p] = {name: _cast_like(value, p) for name, value in saved_state.items()}

    def _check_loadable(self, state_dict: dict) -> dict[int, Tensor]:
        """Validate a state dict against this optimizer; map its numbers to our parameters."""
        if not isinstance(state_dict, dict) or not {"state", "param_groups"} <= state_dict.keys():
            found = (
                sorted(state_dict) if isinstance(state_dict, dict) else type(state_dict).__name__
            )
            raise ValueError(
                f"an optimizer state dict has the keys 'state' and 'param_groups', got {found}"
            )
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"the loaded state dict has {len(saved_groups)} parameter groups, but this "
                f"optimizer has {len(self.param_groups)}"
            )
        params = {}
        for i, (group, saved) in enumerate(zip(self.param_groups, saved_groups, strict=True)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"parameter group {i} has {len(group['params'])} parameters, but the loaded "
                    f"state dict's group {i} has {len(saved['params'])}"
                )
            params.update(zip(saved["params"], group["params"], strict=True))
        for number, saved_state in state_dict["state"].items():
            if number not in params:
                raise ValueError(
                    f"the loaded state dict has state for parameter {number!r}, which is not in "
                    f"any of its parameter groups"
                )
            p = params[number]
            for name, value in saved_state.items():
                shape = getattr(value, "shape", None)
                if shape is not None and tuple(shape) not in ((), p.shape):
                    raise ValueError(
                        f"state {name!r} of parameter {number} has shape {tuple(shape)}, but the "
                        f"parameter has shape {p.shape}"
                    )
        return params

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join([*lines, ")"])


def _cast_like(value, param: Tensor):
    """A copy of a saved state value; floating-point arrays take the parameter's dtype."""
    if isinstance(value, (Tensor, np.ndarray)):
        array = np.asarray(value.data if isinstance(value, Tensor) else value)
        if array.dtype.kind == "f":
            array = array.astype(param.dtype)
        return Tensor(array)
    return copy.deepcopy(value)


def _check_at_least(group: dict, name: str, low: float) -> None:
    """Raise unless ``group[name]`` is a real number >= ``low``."""
    value = group[name]
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    if not value >= low:
        raise ValueError(f"invalid {name}: expected a value >= {low}, got {value}")
