"""Learning BPE merges fast: update the pair counts where a merge happens, not everywhere.

Training BPE repeats two steps: find the most frequent adjacent pair in the corpus, merge it
into a new token. The obvious program recounts every pair of the whole corpus before each
merge, so learning m merges over a corpus of n tokens costs about m * n steps. But a merge
changes only the words that contain the merged pair, and in each of them only the pairs that
touch a merge site: ``x a b y`` becomes ``x z y``, so ``(x, a)``, ``(a, b)`` and ``(b, y)``
lose an occurrence and ``(x, z)`` and ``(z, y)`` gain one. Everything else keeps its count.

:class:`PairIndex` keeps, for the whole corpus at once:

- ``counts``: how often each pair occurs, over all words, weighted by each word's frequency;
- ``where``: for each pair, the set of words that contain it, so a merge visits exactly the
  words it changes and nothing else;
- a heap of ``(-count, pair)``, so the most frequent pair is found without scanning every pair.
  When a count changes the new entry is pushed and the old one is left behind; an entry whose
  count no longer matches ``counts`` is stale and is dropped when it reaches the top.

Each merge then costs time proportional to the words it touches. Early merges (``" t"``,
``"he"``) touch many words; most later merges touch a handful, which is where the speed-up over
recounting comes from (the stage's systems script measures it).

Training works on *unique* chunks with their frequencies: the pre-tokenized corpus repeats
" the" tens of thousands of times, but it is one word with a count here.

**Tie-break.** When several pairs share the highest count, the merge is the smallest pair, as
a tuple of ids: ``(32, 116)`` before ``(32, 119)`` before ``(101, 32)``. A rule that depends on
nothing but the counts makes training deterministic: the same text gives the same merges on
every machine, whatever order the words were first seen in.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise

from tinytorch.text.pairs import Pair, merge_pair, pair_counts

#: Ids 0..255 are the bytes; the first merge creates token 256.
FIRST_MERGE_ID = 256


class PairIndex:
    """Pair counts over a corpus of words, and which words hold each pair, kept up to date.

    Args:
        words: the distinct words, each a sequence of token ids (the bytes of a chunk).
        freqs: how often each word occurs in the corpus.

    Attributes:
        words: the words as they are now (lists of ids; merges rewrite them).
        freqs: their frequencies.
        counts: ``counts[pair]`` is the number of occurrences of ``pair`` in the corpus (each
            word's occurrences times its frequency); pairs that no longer occur are absent.
        where: ``where[pair]`` is the set of indices of the words that contain ``pair``.
    """

    def __init__(self, words: Iterable[Sequence[int]], freqs: Iterable[int]) -> None:
        self.words: list[list[int]] = [list(word) for word in words]
        self.freqs: list[int] = list(freqs)
        if len(self.words) != len(self.freqs):
            raise ValueError(
                f"need one frequency per word: got {len(self.words)} words and "
                f"{len(self.freqs)} frequencies"
            )
        self.counts: dict[Pair, int] = defaultdict(int)
        self.where: dict[Pair, set[int]] = defaultdict(set)
        for index, (word, freq) in enumerate(zip(self.words, self.freqs, strict=True)):
            pair_counts(word, self.counts, freq)
            for pair in pairwise(word):
                self.where[pair].add(index)
        self._heap = [(-count, pair) for pair, count in self.counts.items()]
        heapq.heapify(self._heap)

    def most_frequent(self) -> Pair | None:
        """The pair with the highest count (the smallest such pair on a tie), or None when no
        pair occurs more than once: merging a pair seen once shortens nothing worth learning.
        """
        while self._heap:
            negative_count, pair = self._heap[0]
            if self.counts.get(pair, 0) == -negative_count:
                return pair if -negative_count >= 2 else None
            heapq.heappop(self._heap)
        return None

    def merge(self, pair: Pair, new_id: int) -> None:
        """Replace ``pair`` by ``new_id`` in every word that holds it, and update the counts,
        the heap and ``where`` for the pairs of those words only."""
        delta: dict[Pair, int] = defaultdict(int)
        for index in list(self.where[pair]):
            old = self.words[index]
            new = merge_pair(old, pair, new_id)
            freq = self.freqs[index]
            old_pairs, new_pairs = set(pairwise(old)), set(pairwise(new))
            for gone in pairwise(old):
                delta[gone] -= freq
            for came in pairwise(new):
                delta[came] += freq
            for gone in old_pairs - new_pairs:
                self.where[gone].discard(index)
            for came in new_pairs - old_pairs:
                self.where[came].add(index)
            self.words[index] = new
        self._apply(delta)
        self.where.pop(pair, None)

    def _apply(self, delta: Mapping[Pair, int]) -> None:
        """Add ``delta`` to the counts and push every changed count onto the heap."""
        for pair, change in delta.items():
            if change == 0:
                continue
            count = self.counts[pair] + change
            if count:
                self.counts[pair] = count
                heapq.heappush(self._heap, (-count, pair))
            else:
                del self.counts[pair]
                self.where.pop(pair, None)


def learn_merges(word_counts: Mapping[bytes, int], num_merges: int) -> list[Pair]:
    """The first ``num_merges`` BPE merges of a corpus given as its distinct words and counts.

    Args:
        word_counts: each pre-tokenized chunk, as UTF-8 bytes, and how often it occurs.
        num_merges: how many merges to learn at most.

    Returns:
        The merges in the order they were learned: merge ``k`` is the pair of ids that becomes
        token ``256 + k``. Fewer than ``num_merges`` when no pair occurs twice any more.
    """
    words = sorted(word_counts)
    index = PairIndex(words, [word_counts[word] for word in words])
    merges: list[Pair] = []
    for k in range(num_merges):
        pair = index.most_frequent()
        if pair is None:
            break
        index.merge(pair, FIRST_MERGE_ID + k)
        merges.append(pair)
    return merges
