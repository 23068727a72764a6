"""``quantize_dynamic``: swap every Linear of a model for its int8 twin, in one call.

As ``torch.ao.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)``: the
model is copied (unless ``inplace=True``), and each submodule whose type is in the set is
replaced by ``QuantizedLinear.from_float(submodule)``, wherever it sits in the tree. Nothing
needs calibrating: weights are quantized from their own values, activations batch by batch.
"""

from __future__ import annotations

import copy

from tinytorch.nn.linear import Linear
from tinytorch.nn.module import Module
from tinytorch.quantization.linear import QuantizedLinear
from tinytorch.quantization.observer import PerChannelMinMaxObserver
from tinytorch.quantization.qtensor import per_channel_symmetric, qint8, quantized_dtype

#: What each float module type becomes.
DYNAMIC_QUANT_MODULE_MAPPINGS = {Linear: QuantizedLinear}


def quantize_dynamic(
    model: Module,
    qconfig_spec=None,
    dtype=qint8,
    inplace: bool = False,
    per_channel: bool = False,
) -> Module:
    """A copy of ``model`` whose Linear layers store int8 weights.

    Args:
        model: a float model (put it in eval mode: the result is for inference).
        qconfig_spec: the module types to quantize (default ``{nn.Linear}``).
        dtype: the weight dtype; only ``qint8`` is supported.
        inplace: modify ``model`` itself instead of a copy.
        per_channel: one weight scale per output row instead of one per layer.
    """
    if quantized_dtype(dtype) != qint8:
        raise ValueError(f"quantize_dynamic supports dtype=qint8 weights, got {dtype!r}")
    types = set(qconfig_spec) if qconfig_spec is not None else {Linear}
    for kind in types:
        if kind not in DYNAMIC_QUANT_MODULE_MAPPINGS:
            raise ValueError(
                f"quantize_dynamic cannot quantize {getattr(kind, '__name__', kind)}; it knows "
                f"{[k.__name__ for k in DYNAMIC_QUANT_MODULE_MAPPINGS]}"
            )
    if not inplace:
        model = copy.deepcopy(model)

    # TODO: replace every submodule whose type is in `types` by its quantized twin.
    # HINT: walk model.named_modules(), and for each module its named_children(); setattr
    #   on the parent with the child's name swaps it (collect the swaps first, then apply,
    #   so the walk does not see half-changed modules). A model that *is* a Linear is
    #   returned quantized itself.
    raise NotImplementedError(
        "stage 15: quantize_dynamic: replace every submodule whose type is in `types` by its quantized twin."
    )
