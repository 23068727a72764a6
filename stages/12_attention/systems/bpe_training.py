"""Systems: what incremental pair counts buy when training BPE, and what a bigger vocabulary buys.

Both trainers below learn merges from the same unique chunks with their counts, and both pick
the same pair at every step. They differ in one thing only:

- ``naive_merges`` recounts every pair of every chunk before each merge, then rewrites every
  chunk: each merge costs time proportional to the whole corpus;
- ``learn_merges`` (your :class:`~tinytorch.text.PairIndex`) counts once, then after each merge
  revisits only the chunks that held the merged pair.

Table 1 times both on growing slices of the shipped Shakespeare, checks that their merges are
identical, and prints the speed-up. Table 2 trains tokenizers of growing vocabulary size and
measures how many characters of the *validation* text each token covers on average: the longer
the tokens, the shorter the sequences a model must read, and attention's cost grows with the
square of that length.

Run it from the stage folder once your tests pass (it runs your code):
``python -m systems.bpe_training``. Times are medians of repeated runs (see ``measure.py``).
"""

from __future__ import annotations

from collections import Counter
from functools import partial
from itertools import pairwise

from systems.measure import median_seconds
from tinytorch.datasets import load_shakespeare
from tinytorch.text import BPETokenizer, learn_merges, merge_pair, pretokenize

SLICES = (25_000, 50_000, 100_000)
NUM_MERGES = 200
VOCAB_SIZES = (256, 512, 1024, 2048)


def naive_merges(word_counts: dict[bytes, int], num_merges: int) -> list[tuple[int, int]]:
    """BPE training by full recount: before each merge, count every pair of every chunk."""
    words = {tuple(word): count for word, count in word_counts.items()}
    merges = []
    for k in range(num_merges):
        counts: Counter = Counter()
        for word, count in words.items():
            for pair in pairwise(word):
                counts[pair] += count
        if not counts:
            break
        best = min(counts, key=lambda pair: (-counts[pair], pair))  # the documented tie-break
        if counts[best] < 2:
            break
        merged: Counter = Counter()
        for word, count in words.items():
            merged[tuple(merge_pair(word, best, 256 + k))] += count
        words = merged
        merges.append(best)
    return merges


def chunk_counts(text: str) -> Counter:
    """The unique pre-tokenized chunks of ``text`` as UTF-8 bytes, with their counts."""
    return Counter(chunk.encode("utf-8") for chunk in pretokenize(text))


def speedup_table(corpus: str) -> None:
    print(f"1. learning {NUM_MERGES} merges: full recount vs incremental counts")
    print(
        f"{'chars':>9} {'chunks':>8} {'unique':>7} {'recount s':>10} {'incremental s':>14} "
        f"{'speed-up':>9}  same merges"
    )
    for size in SLICES:
        words = chunk_counts(corpus[:size])
        naive, fast = naive_merges(words, NUM_MERGES), learn_merges(words, NUM_MERGES)
        t_naive = median_seconds(lambda w=words: naive_merges(w, NUM_MERGES), repeats=3, warmup=0)
        t_fast = median_seconds(lambda w=words: learn_merges(w, NUM_MERGES), repeats=5)
        print(
            f"{size:>9,} {sum(words.values()):>8,} {len(words):>7,} {t_naive:>10.3f} "
            f"{t_fast:>14.4f} {t_naive / t_fast:>8.1f}x  {naive == fast}"
        )
    print()


def compression_table(train: str, val: str) -> None:
    print("2. vocabulary size against sequence length, on the validation text")
    print(f"{'vocab':>6} {'train s':>8} {'val tokens':>11} {'chars/token':>12}  longest token")
    for vocab_size in VOCAB_SIZES:
        tokenizer = BPETokenizer()
        seconds = median_seconds(partial(tokenizer.train, train, vocab_size), repeats=1, warmup=0)
        tokens = len(tokenizer.encode(val))
        longest = max(tokenizer.vocab.values(), key=len)
        shown = repr(longest.decode("utf-8", errors="replace")) if len(longest) > 1 else "-"
        print(f"{vocab_size:>6} {seconds:>8.2f} {tokens:>11,} {len(val) / tokens:>12.2f}  {shown}")


def main() -> None:
    corpus = load_shakespeare("train")
    speedup_table(corpus)
    compression_table(corpus, load_shakespeare("val"))


if __name__ == "__main__":
    main()
