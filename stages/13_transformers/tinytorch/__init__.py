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

from tinytorch import nn
from tinytorch.functions import log_softmax, relu, sigmoid, softmax, tanh

from tinytorch.autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled

from tinytorch import optim

from tinytorch import training
from tinytorch.random import get_rng_state, set_rng_state
from tinytorch.serialization import load, save

from tinytorch import data, datasets

from tinytorch import text

from tinytorch.tensor import tril, triu

from tinytorch import models

__version__ = "0.1.0"
