"""tinytorch.models: complete models built from the layers of the course."""

from tinytorch.models.gpt import GPT
