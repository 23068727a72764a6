"""Seedable randomness shared by factories, initializers, dropout and data loaders.

One NumPy ``Generator`` drives every random draw, so ``tinytorch.manual_seed(0)`` makes a whole
run reproducible, exactly as ``torch.manual_seed`` does.
"""

from __future__ import annotations

import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the global generator; returns it so tests can draw from it directly."""
    global _generator
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"manual_seed expects a non-negative integer, got {seed!r}")
    _generator = np.random.default_rng(int(seed))
    return _generator


def default_generator() -> np.random.Generator:
    """The generator every random function uses when none is passed."""
    return _generator


def get_rng_state() -> dict:
    """A snapshot of the global generator's state (for checkpoints)."""
    return _generator.bit_generator.state


def set_rng_state(state: dict) -> None:
    """Restore a snapshot taken by :func:`get_rng_state`."""
    _generator.bit_generator.state = state
