"""Learning-rate schedules, as ``torch.optim.lr_scheduler``.

A large learning rate makes fast early progress but cannot settle into a narrow minimum; a
small one settles but crawls. Schedules get both: warm up gently (large steps on random
weights are unstable, especially for Adam, whose ``v`` estimate is still poor), then decay.

A scheduler owns a counter, ``last_epoch``, and writes ``lr`` into each of the optimizer's
parameter groups. Call ``scheduler.step()`` once per epoch (or per batch), *after*
``optimizer.step()``. Creating a scheduler already sets the learning rate for epoch 0.

Each schedule here is computed in closed form from ``base_lrs`` (each group's ``initial_lr``)
and ``last_epoch``, so it can be checked against its formula and resumed from a checkpoint.
To run schedules one after another (warm-up, then cosine), use :class:`SequentialLR`.

Schedulers also *chain*, as in PyTorch: two schedulers stepping the same optimizer (or you,
changing ``lr`` by hand) combine, because each step applies its schedule's *change* to the
current rate rather than overwriting it. Left alone, that change lands exactly on the formula.
"""

from __future__ import annotations

import bisect
import copy
import math
import numbers
from collections.abc import Callable

from tinytorch.optim.optimizer import Optimizer


class LRScheduler:
    """Base class: subclasses say what the learning rate is at ``self.last_epoch``.

    Args:
        optimizer: the optimizer whose groups' ``lr`` this scheduler sets.
        last_epoch: the index of the last epoch done; -1 starts a fresh schedule. To build a
            scheduler mid-way, each group needs an ``initial_lr`` entry, and construction
            steps at once to epoch ``last_epoch + 1``, whose rates it sets. (PyTorch leaves
            most rates as they are at that point, so its resumed schedule runs an epoch
            late; to resume, prefer ``load_state_dict``, which is exact in both.)
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"expected a tinytorch Optimizer, got {type(optimizer).__name__}")
        self.optimizer = optimizer
        for i, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError(
                    f"param_groups[{i}] has no 'initial_lr': a scheduler resumed with "
                    f"last_epoch={last_epoch} needs the optimizer a scheduler already ran on"
                )
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self.step()

    def get_lr(self) -> list[float]:
        """The learning rate of each group at ``self.last_epoch``. Subclasses override this."""
        raise NotImplementedError(f"{type(self).__name__} does not define get_lr")

    #: The rate the schedule decays toward: chaining scales the distance to it.
    _floor = 0.0
    #: LambdaLR clears this: its rates are base_lr * f(epoch) whatever happened, as in PyTorch.
    chainable = True

    def step(self) -> None:
        """Advance one epoch and write the new learning rates into the optimizer (applied on
        top of any change someone else made to them, so schedulers chain as in PyTorch)."""
        before = self.get_lr() if self.last_epoch >= 0 else list(self.base_lrs)
        self.last_epoch += 1
        after = self.get_lr()
        for group, old, new in zip(self.optimizer.param_groups, before, after, strict=True):
            group["lr"] = self._chain(group["lr"], old, new)
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _chain(self, current: float, before: float, after: float) -> float:
        """``current`` moved the way this schedule moves from ``before`` to ``after``.

        If nothing else touched the rate since the last step (``current == before``), that is
        exactly ``after``. Otherwise the schedule's ratio scales the distance above its floor
        (0, or CosineAnnealingLR's eta_min), as PyTorch's chainable schedulers do; from the
        floor itself, where no ratio exists, the difference is added instead.
        """
        self._check_lr(after)
        if not self.chainable or current == before:
            return after
        if before == self._floor:
            return current + (after - before)
        return self._floor + (current - self._floor) * (after - self._floor) / (
            before - self._floor
        )

    def _check_lr(self, lr: float) -> float:
        """``lr``, unless it is NaN, infinite or negative: then a ValueError naming the epoch
        (a scheduler must never hand the optimizer a rate the optimizer would refuse)."""
        if not math.isfinite(lr) or lr < 0:
            raise ValueError(
                f"{type(self).__name__} computed the learning rate {lr} for epoch "
                f"{self.last_epoch}; a learning rate must be a finite number >= 0 (check the "
                "scheduler's factors, or what lr_lambda returns)"
            )
        return lr

    def _restart(self, epoch: int = 0) -> None:
        """Jump to ``epoch`` and write this schedule's own rates, ignoring the current ones
        (what PyTorch's ``step(epoch)`` does; SequentialLR starts each schedule this way)."""
        self.last_epoch = epoch
        for group, lr in zip(self.optimizer.param_groups, self.get_lr(), strict=True):
            group["lr"] = self._check_lr(lr)
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The learning rates the last ``step()`` set, one per parameter group."""
        return list(self._last_lr)

    def state_dict(self) -> dict:
        """Everything but the optimizer (which saves itself): counters, base rates, settings."""
        return {k: copy.deepcopy(v) for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore a state saved by :meth:`state_dict`."""
        missing = {"last_epoch", "base_lrs"} - set(state_dict)
        if missing:
            raise ValueError(f"not a scheduler state dict: missing {sorted(missing)}")
        self.__dict__.update(copy.deepcopy(state_dict))


def _check_factor(name: str, value, low: float = 0.0, high: float = math.inf) -> None:
    """Raise unless ``value`` is a real number in ``(low, high]``: a NaN or infinite factor
    would silently turn every later learning rate into NaN, which the optimizer itself
    refuses as ``lr``."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    if not (low < value <= high and math.isfinite(value)):
        upper = "" if high == math.inf else f" and <= {high}"
        raise ValueError(f"{name} must be a finite number > {low}{upper}, got {value}")


#: PyTorch's older name for the base class.
_LRScheduler = LRScheduler


class LambdaLR(LRScheduler):
    """``lr = base_lr * lr_lambda(epoch)``: any schedule you can write as a function.

    As in PyTorch, LambdaLR does not chain: it always sets exactly that rate.

    Args:
        optimizer: the optimizer.
        lr_lambda: a function of the epoch, or a list of them (one per parameter group).
        last_epoch: see :class:`LRScheduler`.
    """

    def __init__(
        self, optimizer: Optimizer, lr_lambda: Callable | list[Callable], last_epoch: int = -1
    ) -> None:
        count = len(optimizer.param_groups)
        lambdas = list(lr_lambda) if isinstance(lr_lambda, (list, tuple)) else [lr_lambda] * count
        if len(lambdas) != count:
            raise ValueError(f"expected {count} lr_lambdas (one per group), got {len(lambdas)}")
        self.lr_lambdas = lambdas
        super().__init__(optimizer, last_epoch)

    chainable = False

    def get_lr(self) -> list[float]:
        return [
            base * fn(self.last_epoch)
            for base, fn in zip(self.base_lrs, self.lr_lambdas, strict=True)
        ]

    def state_dict(self) -> dict:
        """As the base class, without the functions (they are code, not data)."""
        state = super().state_dict()
        state.pop("lr_lambdas")
        return state


class StepLR(LRScheduler):
    """Decay by ``gamma`` every ``step_size`` epochs: ``base_lr * gamma ** (epoch // step_size)``.

    Args:
        optimizer: the optimizer.
        step_size: epochs between decays.
        gamma: the decay factor.
        last_epoch: see :class:`LRScheduler`.
    """

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        if not isinstance(step_size, int) or isinstance(step_size, bool) or step_size < 1:
            raise ValueError(f"step_size must be a positive integer, got {step_size!r}")
        _check_factor("gamma", gamma)
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [base * self.gamma ** (self.last_epoch // self.step_size) for base in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Decay by ``gamma`` at each of the ``milestones`` epochs:
    ``base_lr * gamma ** (number of milestones <= epoch)``.

    Args:
        optimizer: the optimizer.
        milestones: the epochs at which to decay (a repeated epoch decays twice).
        gamma: the decay factor.
        last_epoch: see :class:`LRScheduler`.
    """

    def __init__(
        self, optimizer: Optimizer, milestones: list[int], gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        _check_factor("gamma", gamma)
        for milestone in milestones:
            if not isinstance(milestone, int) or isinstance(milestone, bool):
                raise TypeError(f"milestones must be integer epochs, got {milestone!r}")
        self.milestones, self.gamma = sorted(milestones), gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        decays = bisect.bisect_right(self.milestones, self.last_epoch)
        return [base * self.gamma**decays for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Decay by ``gamma`` every epoch: ``base_lr * gamma ** epoch``.

    Args:
        optimizer: the optimizer.
        gamma: the decay factor.
        last_epoch: see :class:`LRScheduler`.
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        _check_factor("gamma", gamma)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [base * self.gamma**self.last_epoch for base in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """Follow half a cosine from ``base_lr`` down to ``eta_min`` over ``T_max`` epochs.

    ``lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2``: flat at the
    start, steepest in the middle, flat again at the end (Loshchilov & Hutter, 2017). Past
    ``T_max`` the cosine rises again, as in PyTorch.

    Args:
        optimizer: the optimizer.
        T_max: the number of epochs of the descent.
        eta_min: the final learning rate.
        last_epoch: see :class:`LRScheduler`.
    """

    def __init__(
        self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        if not isinstance(T_max, int) or isinstance(T_max, bool) or T_max < 1:
            raise ValueError(f"T_max must be a positive integer, got {T_max!r}")
        if not isinstance(eta_min, numbers.Real) or not 0 <= eta_min < math.inf:
            raise ValueError(f"eta_min must be a finite number >= 0, got {eta_min!r}")
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    @property
    def _floor(self) -> float:
        return self.eta_min

    def get_lr(self) -> list[float]:
        cosine = (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
        return [self.eta_min + (base - self.eta_min) * cosine for base in self.base_lrs]


class LinearLR(LRScheduler):
    """Scale the learning rate linearly from ``start_factor`` to ``end_factor`` over
    ``total_iters`` epochs, then hold it: the usual linear warm-up.

    ``lr = base_lr * (start + (end - start) * min(epoch, total_iters) / total_iters)``

    Args:
        optimizer: the optimizer.
        start_factor: the multiplier at epoch 0, in (0, 1].
        end_factor: the multiplier from epoch ``total_iters`` on, in [0, 1].
        total_iters: the length of the ramp.
        last_epoch: see :class:`LRScheduler`.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if not isinstance(start_factor, numbers.Real) or not 0 < start_factor <= 1:
            raise ValueError(f"start_factor must be in (0, 1], got {start_factor}")
        if not isinstance(end_factor, numbers.Real) or not 0 <= end_factor <= 1:
            raise ValueError(f"end_factor must be in [0, 1], got {end_factor}")
        if not isinstance(total_iters, int) or isinstance(total_iters, bool) or total_iters < 1:
            raise ValueError(f"total_iters must be a positive integer, got {total_iters!r}")
        self.start_factor, self.end_factor, self.total_iters = start_factor, end_factor, total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        progress = min(self.last_epoch, self.total_iters) / self.total_iters
        factor = self.start_factor + (self.end_factor - self.start_factor) * progress
        return [base * factor for base in self.base_lrs]


class SequentialLR(LRScheduler):
    """Run schedulers one after another, switching at the ``milestones`` epochs.

    ``SequentialLR(opt, [LinearLR(opt, 0.1, total_iters=5), CosineAnnealingLR(opt, 95)],
    milestones=[5])`` warms up for 5 epochs, then starts the cosine from its epoch 0.

    Args:
        optimizer: the optimizer every scheduler in ``schedulers`` was built on.
        schedulers: the schedules, in order.
        milestones: the epochs at which the next schedule starts (one fewer than schedulers).
        last_epoch: see :class:`LRScheduler`.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        schedulers: list[LRScheduler],
        milestones: list[int],
        last_epoch: int = -1,
    ) -> None:
        if not schedulers:
            raise ValueError("SequentialLR needs at least one scheduler")
        for i, scheduler in enumerate(schedulers):
            if scheduler.optimizer is not optimizer:
                raise ValueError(
                    f"schedulers[{i}] drives a different optimizer than the one SequentialLR got"
                )
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                f"expected {len(schedulers) - 1} milestones for {len(schedulers)} schedulers, "
                f"got {len(milestones)}"
            )
        if list(milestones) != sorted(milestones):
            raise ValueError(f"milestones must be increasing, got {list(milestones)}")
        self._schedulers, self._milestones = list(schedulers), list(milestones)
        # Building the later schedulers already set their epoch-0 rates: undo that, so the
        # first schedule's epoch 0 holds. (The base class then steps us to epoch 0.)
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        for scheduler in self._schedulers:
            scheduler.last_epoch = -1
        super().__init__(optimizer, last_epoch)

    def step(self) -> None:
        """Advance one epoch; at a milestone, the next scheduler starts at its epoch 0."""
        self.last_epoch += 1
        index = bisect.bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[index]
        if index > 0 and self._milestones[index - 1] == self.last_epoch:
            scheduler._restart(0)  # from its own epoch-0 rates, not the previous schedule's
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def get_lr(self) -> list[float]:
        return self._schedulers[bisect.bisect_right(self._milestones, self.last_epoch)].get_lr()

    def state_dict(self) -> dict:
        """As the base class, with each inner scheduler's state dict in place of the object."""
        state = {
            k: copy.deepcopy(v)
            for k, v in self.__dict__.items()
            if k not in ("optimizer", "_schedulers")
        }
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict) -> None:
        state = dict(state_dict)
        inner = state.pop("_schedulers", None)
        if inner is None or len(inner) != len(self._schedulers):
            raise ValueError(
                f"expected the state of {len(self._schedulers)} inner schedulers, got "
                f"{'none' if inner is None else len(inner)}"
            )
        super().load_state_dict(state)
        for scheduler, saved in zip(self._schedulers, inner, strict=True):
            scheduler.load_state_dict(saved)
