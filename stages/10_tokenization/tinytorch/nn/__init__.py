"""tinytorch.nn: layers, losses and the functional API, as ``torch.nn``."""

from tinytorch.nn import functional

from tinytorch.nn import init
from tinytorch.nn.activation import GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from tinytorch.nn.container import ModuleList, Sequential
from tinytorch.nn.dropout import Dropout
from tinytorch.nn.flatten import Flatten, Identity
from tinytorch.nn.linear import Linear
from tinytorch.nn.module import Module
from tinytorch.nn.parameter import Parameter

from tinytorch.nn.loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, NLLLoss

from tinytorch.nn import utils

from tinytorch.nn.batchnorm import BatchNorm1d, BatchNorm2d
from tinytorch.nn.conv import Conv2d
from tinytorch.nn.pooling import AvgPool2d, MaxPool2d

