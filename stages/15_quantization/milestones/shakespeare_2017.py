"""Milestone 2017, part 2: a character-level GPT learns to write like Shakespeare.

The transformer of 2017, as a decoder-only language model, trained from scratch on the shipped
corpus (eight plays, about a million characters). The model sees 64 characters and predicts
the next one at every position; the loss is the cross-entropy in nats per character.
Guessing uniformly among the 76 characters costs ln 76 = 4.33 nats; knowing only how frequent
each character is, about 3.3; a model that has learned spelling, words and the layout of a
play gets below 2.0, and its samples start to look like verse.

The configuration is the "baby GPT" people train on a CPU (nanoGPT's Shakespeare character
setting): 4 layers, 4 heads, 128 dimensions, a block of 64 characters, batches of 12, 2,000
iterations of AdamW (lr 1e-3, betas 0.9/0.99, weight decay 0.1 on matrices only, 100 warm-up
steps then a cosine decay to 1e-4, gradients clipped at norm 1), no dropout. The script prints
the training and validation loss every 250 iterations (each the mean over fixed batches), a
sample at the end, and the target check: validation loss at most 2.0 nats per character.

Run it from the stage folder::

    python -m milestones.shakespeare_2017            # the full run (minutes on a CPU)
    python -m milestones.shakespeare_2017 --quick    # a small model, 200 iterations
"""

from __future__ import annotations

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # one BLAS thread (see the README) before NumPy loads

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import numpy as np  # noqa: E402

import tinytorch as tt  # noqa: E402
from tinytorch import nn, optim  # noqa: E402
from tinytorch.datasets import Shakespeare  # noqa: E402
from tinytorch.models import GPT  # noqa: E402
from tinytorch.text import CharTokenizer  # noqa: E402

SEED = 2017
#: Validation loss (nats per character) the full run must reach.
TARGET = 2.0


@dataclass
class Config:
    n_layer: int = 4
    n_head: int = 4
    d_model: int = 128
    block_size: int = 64
    batch_size: int = 12
    iters: int = 2000
    lr: float = 1e-3
    min_lr: float = 1e-4
    warmup: int = 100
    weight_decay: float = 0.1
    grad_clip: float = 1.0
    eval_every: int = 250
    eval_batches: int = 20
    eval_batch_size: int = 32
    sample_chars: int = 300


QUICK = Config(n_layer=2, n_head=4, d_model=64, block_size=32, batch_size=16, iters=200,
               lr=3e-3, warmup=20, eval_every=100, eval_batches=4, sample_chars=80)  # fmt: skip


def windows(ids: np.ndarray, starts: np.ndarray, block_size: int) -> tuple[tt.Tensor, tt.Tensor]:
    """Inputs ids[s : s + block] and targets ids[s + 1 : s + block + 1] for each start s."""
    index = starts[:, None] + np.arange(block_size)
    return tt.tensor(ids[index]), tt.tensor(ids[index + 1])


def estimate_loss(model: GPT, ids: np.ndarray, starts: np.ndarray, config: Config) -> float:
    """Mean loss over fixed windows (the same ones at every evaluation), in eval mode."""
    model.eval()
    losses = []
    with tt.no_grad():
        for chunk in np.split(starts, config.eval_batches):
            _, loss = model(*windows(ids, chunk, config.block_size))
            losses.append(loss.item())
    model.train()
    return float(np.mean(losses))


def learning_rate_factor(config: Config):
    """Linear warm-up to lr, then a cosine decay to min_lr at the last iteration."""

    def factor(step: int) -> float:
        if step < config.warmup:
            return (step + 1) / config.warmup
        progress = (step - config.warmup) / max(1, config.iters - config.warmup)
        cosine = 0.5 * (1.0 + math.cos(math.pi * min(progress, 1.0)))
        return (config.min_lr + cosine * (config.lr - config.min_lr)) / config.lr

    return factor


def run(config: Config = Config(), seed: int = SEED, log=print) -> dict:  # noqa: B008
    """Train on the training split, evaluate on the validation split; return the measurements."""
    start = time.perf_counter()
    tt.manual_seed(seed)
    rng = np.random.default_rng(seed)
    tokenizer = CharTokenizer(Shakespeare("all").text)
    train_ids = np.array(tokenizer.encode(Shakespeare("train").text), dtype=np.int64)
    val_ids = np.array(tokenizer.encode(Shakespeare("val").text), dtype=np.int64)
    model = GPT(tokenizer.vocab_size, config.block_size, config.n_layer, config.n_head,
                config.d_model, dropout=0.0)  # fmt: skip
    matrices = [p for p in model.parameters() if p.ndim >= 2]  # decay weights, not gains/biases
    others = [p for p in model.parameters() if p.ndim < 2]
    optimizer = optim.AdamW(
        [{"params": matrices, "weight_decay": config.weight_decay},
         {"params": others, "weight_decay": 0.0}],
        lr=config.lr, betas=(0.9, 0.99),
    )  # fmt: skip
    schedule = optim.lr_scheduler.LambdaLR(optimizer, learning_rate_factor(config))
    eval_size = config.eval_batches * config.eval_batch_size
    fixed = {
        "train": rng.integers(0, len(train_ids) - config.block_size - 1, eval_size),
        "val": rng.integers(0, len(val_ids) - config.block_size - 1, eval_size),
    }
    params = sum(p.numel() for p in model.parameters())
    log(
        f"shakespeare: {len(train_ids):,} training and {len(val_ids):,} validation characters, "
        f"vocabulary {tokenizer.vocab_size}; GPT with {params:,} parameters ({config.n_layer} "
        f"layers, {config.n_head} heads, d_model {config.d_model}, block {config.block_size}); "
        f"{config.iters} iterations of batch {config.batch_size}"
    )
    history = []
    train_start, cpu_start = time.perf_counter(), time.process_time()
    for step in range(config.iters + 1):
        if step % config.eval_every == 0 or step == config.iters:
            train_loss = estimate_loss(model, train_ids, fixed["train"], config)
            val_loss = estimate_loss(model, val_ids, fixed["val"], config)
            elapsed = time.perf_counter() - train_start
            history.append({"iter": step, "train_loss": train_loss, "val_loss": val_loss,
                            "seconds": elapsed})  # fmt: skip
            log(f"  iter {step:5d}/{config.iters}  train loss {train_loss:.4f}  "
                f"val loss {val_loss:.4f}  {elapsed:7.1f} s")  # fmt: skip
        if step == config.iters:
            break
        starts = rng.integers(0, len(train_ids) - config.block_size - 1, config.batch_size)
        _, loss = model(*windows(train_ids, starts, config.block_size))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
        optimizer.step()
        schedule.step()
    train_seconds = time.perf_counter() - train_start
    cpu_seconds = time.process_time() - cpu_start
    prompt = tt.tensor(np.array([tokenizer.encode("\n")]))
    ids = model.generate(prompt, config.sample_chars, temperature=0.8, top_k=20, seed=seed)
    sample = tokenizer.decode(ids.numpy()[0].tolist())
    final = history[-1]
    verdict = "reached" if final["val_loss"] <= TARGET else "MISSED"
    log(f"--- sample (temperature 0.8, top_k 20) ---{sample}\n---")
    log(
        f"val loss {final['val_loss']:.4f} nats/char after {config.iters} iterations, "
        f"{train_seconds:.1f} s of training ({cpu_seconds:.1f} s of CPU time; "
        f"{1000 * train_seconds / max(1, config.iters):.0f} ms per iteration, evaluations "
        f"included): target <= {TARGET} {verdict}"
    )
    return {"val_loss": final["val_loss"], "train_loss": final["train_loss"],
            "target": TARGET, "train_seconds": train_seconds, "train_cpu_seconds": cpu_seconds,
            "parameters": params,
            "seconds": time.perf_counter() - start, "history": history, "sample": sample}  # fmt: skip


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Milestone 2017: a character-level GPT.")
    parser.add_argument("--quick", action="store_true", help="a small model, 200 iterations")
    parser.add_argument("--iters", type=int, default=None, help="training iterations")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed")
    parser.add_argument("--json", help="also write the measured results to this file")
    args = parser.parse_args(argv)
    config = QUICK if args.quick else Config()
    if args.iters is not None:
        config = Config(**{**vars(config), "iters": args.iters})
    result = run(config, seed=args.seed)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as file:
            json.dump(result, file, indent=1)
    return result


if __name__ == "__main__":
    main()
