"""Module: the base class of every layer and every model.

A model is a tree of modules: a ``Sequential`` holds ``Linear`` layers, which hold
``Parameter`` tensors. ``Module`` makes that tree walkable without any bookkeeping by the
person writing a layer: assigning ``self.weight = Parameter(...)`` or ``self.fc = Linear(...)``
inside ``__init__`` is enough, because ``__setattr__`` notices the type of the value and files
it in ``_parameters`` or ``_modules``. Everything else is a walk over that tree:

- ``parameters()`` collects the learnable tensors for an optimizer, each exactly once;
- ``train()`` / ``eval()`` switch every module's ``training`` flag (Dropout and BatchNorm
  behave differently in evaluation);
- ``state_dict()`` / ``load_state_dict()`` save and restore every parameter and buffer by its
  dotted name, such as ``"0.weight"`` or ``"encoder.fc.bias"``.

Buffers (``register_buffer``) are tensors that belong to the model's state but are not
trained, such as BatchNorm's running mean: they are saved in the state dict, never returned by
``parameters()``.
"""

from __future__ import annotations

from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterator

import numpy as np

from tinytorch import dtypes
from tinytorch.nn.parameter import Parameter
from tinytorch.tensor import Tensor


class IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns, as in PyTorch: the keys it could not match."""

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()


class RemovableHandle:
    """Returned by ``register_forward_hook``: call ``remove()`` to unregister the hook."""

    _next_id = 0

    def __init__(self, hooks: dict) -> None:
        self.hooks = hooks
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self) -> None:
        self.hooks.pop(self.id, None)


class Module:
    """Base class of all layers and models, as ``torch.nn.Module``.

    Subclasses call ``super().__init__()`` first, assign their parameters and sub-modules as
    attributes, and define ``forward``. Calling the module (``model(x)``) runs ``forward``.
    """

    #: Whether the module is in training mode (``train()``) or evaluation mode (``eval()``).
    training: bool

    def __init__(self) -> None:
        # object.__setattr__: our own __setattr__ needs these dictionaries to exist already.
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_forward_pre_hooks", {})
        object.__setattr__(self, "_forward_hooks", {})

    def forward(self, *args, **kwargs):
        """The computation of this module. Every subclass defines it."""
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    def __call__(self, *args, **kwargs):
        """Run ``forward`` (and any hooks registered with ``register_forward_(pre_)hook``)."""
        for hook in list(self._forward_pre_hooks.values()):
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        output = self.forward(*args, **kwargs)
        for hook in list(self._forward_hooks.values()):
            result = hook(self, args, output)
            if result is not None:
                output = result
        return output

    # ------------------------------------------------------------------ registration

    def __setattr__(self, name: str, value) -> None:
        """File Parameters in ``_parameters``, Modules in ``_modules``; update buffers."""
        if "_parameters" not in self.__dict__:
            if isinstance(value, (Parameter, Module)):
                raise AttributeError(
                    f"cannot assign {name!r} before Module.__init__() has run: call "
                    f"super().__init__() first in {type(self).__name__}.__init__"
                )
            object.__setattr__(self, name, value)
            return
        params, modules, buffers = self._parameters, self._modules, self._buffers
        if isinstance(value, Parameter):
            self._forget(name, keep=params)
            params[name] = value
        elif isinstance(value, Module):
            self._forget(name, keep=modules)
            modules[name] = value
        elif name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign a {type(value).__name__} as parameter {name!r} "
                    "(a tinytorch.nn.Parameter or None expected)"
                )
            params[name] = None
        elif name in modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign a {type(value).__name__} as child module {name!r} "
                    "(a tinytorch.nn.Module or None expected)"
                )
            modules[name] = None
        elif name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign a {type(value).__name__} as buffer {name!r} "
                    "(a tinytorch.Tensor or None expected)"
                )
            buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name: str, keep: dict | None = None) -> None:
        """Remove ``name`` from every place it may be stored except ``keep`` (where an
        existing entry is overwritten in place, keeping its position in the order)."""
        self.__dict__.pop(name, None)
        for store in (self._parameters, self._modules, self._buffers):
            if store is not keep:
                store.pop(name, None)
        if keep is not self._buffers:
            self._non_persistent_buffers.discard(name)

    def __getattr__(self, name: str):
        """Find registered parameters, buffers and sub-modules by name.

        Python calls ``__getattr__`` only when normal lookup fails, which is the case for
        everything ``__setattr__`` filed away in the three dictionaries.
        """
        # self.__dict__ directly: copy.deepcopy probes attributes before __init__ has run.
        state = self.__dict__
        for store in ("_parameters", "_buffers", "_modules"):
            if store in state and name in state[store]:
                return state[store][name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        for store in (self._parameters, self._buffers, self._modules):
            if name in store:
                del store[name]
                self._non_persistent_buffers.discard(name)
                return
        object.__delattr__(self, name)

    def _check_new_name(self, name, kind: str, store: dict) -> None:
        """A valid name, not already used by an attribute of another kind (as PyTorch checks)."""
        if not isinstance(name, str):
            raise TypeError(f"{kind} name must be a string, got {type(name).__name__}")
        if name == "" or "." in name:
            raise KeyError(f"{kind} name must be non-empty and contain no '.', got {name!r}")
        if name not in store and hasattr(self, name):
            raise KeyError(f"attribute {name!r} already exists on {type(self).__name__}")

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (a Parameter, or None for an absent one such as ``bias=False``)."""
        self._check_new_name(name, "parameter", self._parameters)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot register a {type(param).__name__} as parameter {name!r} "
                "(a tinytorch.nn.Parameter or None expected)"
            )
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register non-trainable state, saved in the state dict unless ``persistent=False``."""
        self._check_new_name(name, "buffer", self._buffers)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot register a {type(tensor).__name__} as buffer {name!r} "
                "(a tinytorch.Tensor or None expected)"
            )
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register ``module`` as a child called ``name`` (as ``setattr`` does)."""
        self._check_new_name(name, "module", self._modules)
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a tinytorch.nn.Module subclass")
        self._modules[name] = module

    register_module = add_module

    # ------------------------------------------------------------------ walking the tree

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct sub-modules, with their attribute names."""
        seen: set[int] = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        """The direct sub-modules."""
        for _, module in self.named_children():
            yield module

    def named_modules(
        self, memo: set | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """This module and every module below it, depth first, with dotted names.

        The module itself comes first, named ``prefix`` (``""`` by default). A module that
        appears twice in the tree is listed once unless ``remove_duplicate=False``.
        """
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is None:
                continue
            child_prefix = f"{prefix}.{name}" if prefix else name
            yield from module.named_modules(memo, child_prefix, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        """This module and every module below it."""
        for _, module in self.named_modules():
            yield module

    def _named_members(
        self, store: str, prefix: str, recurse: bool, remove_duplicate: bool
    ) -> Iterator[tuple[str, Tensor]]:
        """Entries of ``store`` ("_parameters" or "_buffers") of this module (and below)."""
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        seen: set[int] = set()
        for module_prefix, module in modules:
            for name, tensor in getattr(module, store).items():
                if tensor is None or (remove_duplicate and id(tensor) in seen):
                    continue
                seen.add(id(tensor))
                yield (f"{module_prefix}.{name}" if module_prefix else name), tensor

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """Every parameter with its dotted name (``"0.weight"``), each shared one once."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter of this module and its sub-modules, each exactly once."""
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        """Every buffer with its dotted name."""
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every buffer of this module and its sub-modules."""
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def apply(self, fn: Callable[[Module], None]) -> Module:
        """Call ``fn`` on every sub-module and then on this module; returns self."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # ------------------------------------------------------------------ modes and gradients

    def train(self, mode: bool = True) -> Module:
        """Set training mode on this module and every sub-module; returns self."""
        if not isinstance(mode, bool):
            raise ValueError(f"training mode is expected to be a bool, got {mode!r}")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode (``train(False)``); returns self."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Freeze (False) or unfreeze (True) every parameter; returns self."""
        for param in self.parameters():
            param.requires_grad = requires_grad
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of every parameter before the next backward pass.

        ``set_to_none=True`` (the default, as in PyTorch) drops the gradient arrays, which
        saves memory and lets the next backward write instead of add; ``False`` fills the
        existing gradients with zeros in place.
        """
        for param in self.parameters():
            if set_to_none:
                param.grad = None
            elif param.grad is not None:
                param.grad.data[...] = 0

    def to(self, dtype) -> Module:
        """Convert every floating-point parameter and buffer to ``dtype`` in place; returns self.

        The Parameter objects stay the same (an optimizer holding them keeps working); only
        their arrays are replaced.
        """
        dtype = dtypes.as_dtype(dtype)
        for tensor in [*self.parameters(), *self.buffers()]:
            if tensor.dtype.kind == "f":
                tensor.data = tensor.data.astype(dtype)
                if tensor.grad is not None:
                    tensor.grad.data = tensor.grad.data.astype(dtype)
        return self

    def float(self) -> Module:
        """Convert floating-point parameters and buffers to float32; returns self."""
        return self.to(dtypes.float32)

    def double(self) -> Module:
        """Convert floating-point parameters and buffers to float64; returns self."""
        return self.to(dtypes.float64)

    # ------------------------------------------------------------------ saving and loading

    def state_dict(
        self, *, destination=None, prefix: str = "", keep_vars: bool = False
    ) -> OrderedDict:
        """Every parameter and persistent buffer, by dotted name, in registration order.

        As in PyTorch, the values are *references*, not copies: tensors that share their
        arrays with the model (detached from any graph), so a later in-place update of the
        model shows in the dict. Copy them (``{k: v.numpy().copy() ...}``) to keep a
        snapshot. ``keep_vars=True`` returns the Parameter objects themselves.
        """
        if destination is None:
            destination = OrderedDict()
        entries = [*self._parameters.items()]
        entries += [
            (n, b) for n, b in self._buffers.items() if n not in self._non_persistent_buffers
        ]
        for name, tensor in entries:
            if tensor is not None:
                destination[prefix + name] = tensor if keep_vars else Tensor._wrap(tensor.data)
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(
                    destination=destination, prefix=f"{prefix}{name}.", keep_vars=keep_vars
                )
        return destination

    def load_state_dict(self, state_dict, strict: bool = True) -> IncompatibleKeys:
        """Copy values from ``state_dict`` into this module's parameters and buffers, in place.

        Every problem is found before anything is copied: a shape mismatch is always an
        error; missing and unexpected keys are errors when ``strict`` (the default), and are
        returned as ``(missing_keys, unexpected_keys)`` otherwise. The Parameter objects are
        kept (an optimizer holding them keeps working); only their values change.

        Raises:
            RuntimeError: listing every problem, one per line, in PyTorch's words:
                ``Missing key(s) in state_dict: [...]``, ``Unexpected key(s) in state_dict:
                [...]`` and ``size mismatch for <key>: copying a value of shape <its shape>
                from the state dict, but the shape in the current model is <model's shape>``.
        """
        if not hasattr(state_dict, "keys"):
            raise TypeError(
                f"expected a mapping of names to tensors, got {type(state_dict).__name__}"
            )
        own = self.state_dict(keep_vars=True)
        missing = [key for key in own if key not in state_dict]
        unexpected = [key for key in state_dict if key not in own]
        values, problems = {}, []
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            values[key] = np.asarray(value.data if isinstance(value, Tensor) else value)
            if values[key].shape != target.shape:
                problems.append(
                    f"size mismatch for {key}: copying a value of shape {values[key].shape} from "
                    f"the state dict, but the shape in the current model is {target.shape}"
                )
        if strict:
            listed = [("Missing", missing), ("Unexpected", unexpected)]
            problems[:0] = [f"{kind} key(s) in state_dict: {keys}" for kind, keys in listed if keys]
        if problems:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                + "\n\t".join(problems)
            )
        for key, value in values.items():
            own[key].data[...] = value
        return IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------------ hooks

    def register_forward_pre_hook(self, hook: Callable) -> RemovableHandle:
        """Call ``hook(module, args)`` before each forward; a non-None result replaces args."""
        handle = RemovableHandle(self._forward_pre_hooks)
        self._forward_pre_hooks[handle.id] = hook
        return handle

    def register_forward_hook(self, hook: Callable) -> RemovableHandle:
        """Call ``hook(module, args, output)`` after each forward; non-None replaces output."""
        handle = RemovableHandle(self._forward_hooks)
        self._forward_hooks[handle.id] = hook
        return handle

    # ------------------------------------------------------------------ printing

    def extra_repr(self) -> str:
        """The layer's settings for ``repr``, e.g. ``"in_features=4, out_features=3, bias=True"``."""
        return ""

    def __repr__(self) -> str:
        """PyTorch's layout: ``Name(extra)``, or children one per line, indented by two spaces::

        Sequential(
          (0): Linear(in_features=4, out_features=3, bias=True)
          (1): ReLU()
        )
        """
        lines = self.extra_repr().split("\n") if self.extra_repr() else []
        only_extra = len(lines) == 1 and not self._modules
        for name, module in self._modules.items():
            child = repr(module).replace("\n", "\n  ")
            lines.append(f"({name}): {child}")
        body = ""
        if only_extra:
            body = lines[0]
        elif lines:
            body = "\n  " + "\n  ".join(lines) + "\n"
        return f"{type(self).__name__}({body})"

    def __dir__(self) -> list[str]:
        names = set(super().__dir__())
        names.update(self._parameters, self._buffers, self._modules)
        return sorted(names)
