"""tinytorch: a deep-learning framework you build yourself, with PyTorch's API.

Stage by stage this package grows from a Tensor to autograd, layers, optimizers, data
loading, convolutions, attention and a GPT; each name below arrives with its stage.
"""

from tinytorch.creation import (
    arange,
    eye,
    full,
    linspace,
    ones,
    ones_like,
    rand,
    randint,
    randn,
    tensor,
    zeros,
    zeros_like,
)
from tinytorch.dtypes import (
    bool,
    float16,
    float32,
    float64,
    int8,
    int16,
    int32,
    int64,
    uint8,
)
from tinytorch.functions import (
    abs,
    add,
    amax,
    amin,
    argmax,
    argmin,
    cat,
    clamp,
    clip,
    concat,
    concatenate,
    div,
    eq,
    exp,
    flatten,
    ge,
    gt,
    le,
    log,
    lt,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    mul,
    ne,
    neg,
    numel,
    permute,
    pow,
    reshape,
    sqrt,
    squeeze,
    stack,
    sub,
    sum,
    transpose,
    unsqueeze,
    where,
)
from tinytorch.random import manual_seed
from tinytorch.tensor import Tensor

# BEGIN REVEAL stage=02
from tinytorch import nn
from tinytorch.functions import log_softmax, relu, sigmoid, softmax, tanh

# END REVEAL
# BEGIN REVEAL stage=05
from tinytorch.autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled

# END REVEAL
# BEGIN REVEAL stage=06
from tinytorch import optim

# END REVEAL
# BEGIN REVEAL stage=07
from tinytorch import training
from tinytorch.random import get_rng_state, set_rng_state
from tinytorch.serialization import load, save

# END REVEAL
# BEGIN REVEAL stage=08
from tinytorch import data, datasets

# END REVEAL
# BEGIN REVEAL stage=10
from tinytorch import text

# END REVEAL
# BEGIN REVEAL stage=12
from tinytorch.tensor import tril, triu

# END REVEAL
# BEGIN REVEAL stage=13
from tinytorch import models

# END REVEAL
# BEGIN REVEAL stage=14
from tinytorch import profiling

# END REVEAL
# BEGIN REVEAL stage=15
from tinytorch import quantization

# END REVEAL

__version__ = "0.1.0"
