# Generated from solutions/tests/stage_07/test_milestones.py by scripts/build_stages.py: a regression check from stage 07.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Milestones 1957 and 1969: the perceptron, and XOR with and without a hidden layer."""

import pytest

from milestones import perceptron_1957, xor_1969


@pytest.mark.milestone
@pytest.mark.points(5, hint="run python -m milestones.perceptron_1957 and read its progress")
def test_perceptron_1957_separates_the_blobs(capsys):
    """Rosenblatt's rule (SGD on the perceptron criterion) reaches >= 99 % on held-out blobs."""
    result = perceptron_1957.main()
    assert result["train_accuracy"] == 1.0, "separable data: the perceptron must converge"
    assert result["test_accuracy"] >= 0.99
    assert "converged" in capsys.readouterr().out


@pytest.mark.milestone
@pytest.mark.points(5, hint="run python -m milestones.xor_1969 and read its progress")
def test_xor_1969_needs_a_hidden_layer(capsys):
    """A 2-layer MLP solves XOR (100 %); a single linear layer reaches at most 75 %."""
    result = xor_1969.main()
    assert result["mlp_accuracy"] == 1.0
    assert result["linear_accuracy"] <= 0.75
    assert result["best_linear_accuracy"] == 0.75
    assert "Why" in capsys.readouterr().out
