"""tinytorch.nn: layers, losses and the functional API, as ``torch.nn``."""

from tinytorch.nn import functional

# BEGIN REVEAL stage=03
from tinytorch.nn import init
from tinytorch.nn.activation import GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from tinytorch.nn.container import ModuleList, Sequential
from tinytorch.nn.dropout import Dropout
from tinytorch.nn.flatten import Flatten, Identity
from tinytorch.nn.linear import Linear
from tinytorch.nn.module import Module
from tinytorch.nn.parameter import Parameter

# END REVEAL
# BEGIN REVEAL stage=04
from tinytorch.nn.loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, NLLLoss

# END REVEAL
# BEGIN REVEAL stage=07
from tinytorch.nn import utils

# END REVEAL
# BEGIN REVEAL stage=09
from tinytorch.nn.batchnorm import BatchNorm1d, BatchNorm2d
from tinytorch.nn.conv import Conv2d
from tinytorch.nn.pooling import AvgPool2d, MaxPool2d

# END REVEAL
# BEGIN REVEAL stage=11
from tinytorch.nn.embedding import Embedding
from tinytorch.nn.positional import LearnedPositionalEmbedding, SinusoidalPositionalEncoding

# END REVEAL
# BEGIN REVEAL stage=12
from tinytorch.nn.multihead_attention import MultiheadAttention

# END REVEAL
