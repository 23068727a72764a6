# Generated from solutions/tests/stage_13/test_milestone_transformer_2017.py by scripts/build_stages.py: a regression check from stage 13.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Milestone 2017: a GPT trained from scratch reverses sequences and adds two-digit numbers it
never saw, and a character-level GPT learns to write from the shipped Shakespeare corpus.

These are the scripts' --quick settings (small models and tasks, seconds); the full runs are
``python -m milestones.transformer_2017`` and ``python -m milestones.shakespeare_2017``."""

import numpy as np
import pytest

from milestones import shakespeare_2017, transformer_2017


def check_task(name: str) -> None:
    """Train the task's --quick GPT; held-out examples never occur in training; target met."""
    lines = []
    result = transformer_2017.run(tasks=(name,), quick=True, log=lines.append)[name]
    config = transformer_2017.QUICK[name]
    if name == "reversal":
        task = transformer_2017.reversal_task(length=config.length)
    else:
        task = transformer_2017.addition_task()
    seen = {row.tobytes() for row in task.train_prompts}
    assert not any(row.tobytes() in seen for row in task.test_prompts), "held out means unseen"
    assert result["test_accuracy"] >= transformer_2017.TARGETS[name], result
    assert result["history"][-1]["loss"] < result["history"][0]["loss"]
    assert any("exact match" in line for line in lines)


@pytest.mark.milestone
@pytest.mark.points(2, hint="run python -m milestones.transformer_2017 --quick --task reversal")
def test_transformer_2017_reverses_held_out_sequences():
    """Milestone 2017: 100 % exact match reversing digit sequences it never trained on."""
    check_task("reversal")


@pytest.mark.milestone
@pytest.mark.points(3, hint="run python -m milestones.transformer_2017 --quick --task addition")
def test_transformer_2017_adds_held_out_pairs():
    """Milestone 2017: >= 95 % exact match on two-digit sums of pairs held out from training."""
    check_task("addition")


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
