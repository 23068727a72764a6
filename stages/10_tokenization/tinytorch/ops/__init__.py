"""The operations behind Tensor's methods, one :class:`~tinytorch.function.Function` each."""
