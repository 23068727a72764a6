# Generated from solutions/tests/stage_13/test_milestone_transformer_2017.py by scripts/build_stages.py: a regression check from stage 13.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Milestone 2017: a GPT trained from scratch reverses sequences and adds two-digit numbers it
never saw, and a character-level GPT learns to write from the shipped Shakespeare corpus.

These are the scripts' --quick settings (small models and tasks, seconds); the full runs are
``python -m milestones.transformer_2017`` and ``python -m milestones.shakespeare_2017``."""

import numpy as np
import pytest

from milestones import shakespeare_2017, transformer_2017


@pytest.mark.milestone
@pytest.mark.points(
    5, hint="run python -m milestones.transformer_2017 --quick and read its progress"
)
def test_transformer_2017_reverses_and_adds_held_out_examples():
    """Milestone 2017: 100 % exact match on held-out reversals, >= 95 % on held-out sums.

    No held-out example occurs in the training data (checked here), and the loss falls."""
    lines = []
    results = transformer_2017.run(quick=True, log=lines.append)
    for name, builder in (("reversal", transformer_2017.reversal_task),
                          ("addition", transformer_2017.addition_task)):  # fmt: skip
        config = transformer_2017.QUICK[name]
        task = builder(length=config.length) if name == "reversal" else builder()
        seen = {row.tobytes() for row in task.train_prompts}
        assert not any(row.tobytes() in seen for row in task.test_prompts), name
        result = results[name]
        assert result["test_accuracy"] >= transformer_2017.TARGETS[name], result
        assert result["history"][-1]["loss"] < result["history"][0]["loss"]
    assert any("exact match" in line for line in lines)


@pytest.mark.milestone
@pytest.mark.points(3, hint="run python -m milestones.shakespeare_2017 --quick")
def test_shakespeare_2017_learns_characters():
    """A small character-level GPT gets well below the unigram loss on held-out text.

    After 100 iterations the validation loss is below 2.9 nats/char (uniform guessing costs
    ln 76 = 4.33, character frequencies alone about 3.3), and the sample is decoded text."""
    config = shakespeare_2017.Config(**{**vars(shakespeare_2017.QUICK), "iters": 100,
                                        "eval_every": 50})  # fmt: skip
    lines = []
    result = shakespeare_2017.run(config, log=lines.append)
    losses = [record["val_loss"] for record in result["history"]]
    assert losses[0] > 4.0 and losses[-1] < 2.9, losses
    assert isinstance(result["sample"], str) and len(result["sample"]) == 1 + config.sample_chars
    assert np.isfinite(result["train_loss"]) and any("sample" in line for line in lines)
