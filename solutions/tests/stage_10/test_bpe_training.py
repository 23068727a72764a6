"""Stage 10: training byte-level BPE, incrementally, against a trainer that recounts everything.

The reference trainer below is the definition of BPE training written as plainly as possible:
before every merge it recounts every adjacent pair of every chunk of the corpus, picks the most
frequent (the smallest pair on a tie), and merges it everywhere. The tokenizer must learn
exactly the same merges while updating its counts only where merges happen.
"""

import re
import warnings
from collections import Counter
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinytorch.datasets import load_shakespeare
from tinytorch.text import BPETokenizer, PairIndex, pretokenize

#: A bug in merge_pair can make encoding loop forever: fail after 20 s instead of hanging.
pytestmark = pytest.mark.timeout(20)

#: Words that share pieces and repeat letters, so pairs overlap and counts tie.
WORDS = ["the", " the", "aaa", " aaaa", "abab", " ab", "ba", " ba", "b", ".", "!"]

corpora = st.one_of(
    st.text(alphabet="ab .\n", max_size=60),
    st.lists(st.sampled_from(WORDS), max_size=30).map("".join),
)


def merge_reference(ids, pair, new_id):
    """Replace occurrences of ``pair`` left to right, each token used at most once."""
    out, i = [], 0
    while i < len(ids):
        if i + 1 < len(ids) and (ids[i], ids[i + 1]) == pair:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


def naive_merges(text, num_merges, special_tokens=()):
    """BPE training by full recount: every merge recounts every pair of the whole corpus."""
    if special_tokens:
        text = re.sub("|".join(map(re.escape, special_tokens)), "\x00", text)
    pieces = text.split("\x00") if special_tokens else [text]
    chunks = Counter(tuple(c.encode("utf-8")) for piece in pieces for c in pretokenize(piece))
    merges = []
    for k in range(num_merges):
        counts = Counter()
        for chunk, freq in chunks.items():
            for pair in pairwise(chunk):
                counts[pair] += freq
        if not counts or max(counts.values()) < 2:
            break
        best = min(counts, key=lambda pair: (-counts[pair], pair))
        merged = Counter()
        for chunk, freq in chunks.items():
            merged[tuple(merge_reference(chunk, best, 256 + k))] += freq
        chunks = merged
        merges.append(best)
    return merges


def train_quietly(text, vocab_size, special_tokens=()):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return BPETokenizer().train(text, vocab_size, special_tokens=special_tokens)


@pytest.mark.points(
    4,
    hint="after a merge, every pair of a changed word may change: (x, a) -> (x, z), (b, y) -> "
    "(z, y); recount the merged word and subtract the old one",
)
@given(corpora, st.integers(0, 30))
def test_incremental_training_learns_the_merges_of_a_full_recount(text, num_merges):
    """train learns exactly the merges of the full-recount reference trainer, in order."""
    tokenizer = train_quietly(text, 256 + num_merges)
    assert tokenizer.merges == naive_merges(text, num_merges)


@pytest.mark.points(2)
def test_incremental_training_matches_on_shakespeare():
    """On 10,000 characters of the shipped corpus, 120 merges equal the reference trainer's."""
    text = load_shakespeare("train")[:10_000]
    tokenizer = BPETokenizer().train(text, 256 + 120)
    assert tokenizer.merges == naive_merges(text, 120)
    assert tokenizer.vocab[tokenizer.merges.index((32, 116)) + 256] == b" t"


@pytest.mark.points(
    3, hint="check counts AND where after each merge: a word that gains a pair must be indexed"
)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12), st.data())
def test_pair_index_stays_equal_to_a_recount(words, data):
    """After every merge, counts and where equal a recount of the merged words."""
    words = sorted(set(words))
    freqs = data.draw(st.lists(st.integers(1, 5), min_size=len(words), max_size=len(words)))
    index = PairIndex([w.encode() for w in words], freqs)
    for k in range(12):
        counts, where = Counter(), {}
        for i, (word, freq) in enumerate(zip(index.words, freqs, strict=True)):
            for pair in pairwise(word):
                counts[pair] += freq
                where.setdefault(pair, set()).add(i)
        assert {p: c for p, c in index.counts.items() if c} == dict(counts)
        assert {p: s for p, s in index.where.items() if s} == where
        pair = index.most_frequent()
        best = min(counts, key=lambda p: (-counts[p], p)) if counts else None
        assert pair == (best if best is not None and counts[best] >= 2 else None)
        if pair is None:
            break
        index.merge(pair, 256 + k)


@pytest.mark.points(2, hint="equal counts: take the smallest pair of ids, never dict order")
def test_ties_go_to_the_smallest_pair():
    """On a tie of counts the merge is the smallest pair of ids, wherever the pairs occur."""
    # "za" (122, 97) and "ab" (97, 98) occur twice each, " z" once: "ab" is the smaller pair.
    assert BPETokenizer().train("zab zab", 257).merges == [(97, 98)]
    # " a", "ab", "ba" and " b" all occur twice: " a" (32, 97) is the smallest.
    assert BPETokenizer().train("ba ab ba ab", 257).merges == [(32, 97)]


@pytest.mark.points(2, hint="the result may depend on the counts only, not on insertion order")
@given(
    st.lists(st.lists(st.sampled_from(["ab", "ba", "abc", "cab", "b"]), min_size=1, max_size=4)),
    st.randoms(use_true_random=False),
)
def test_training_is_deterministic_in_the_order_of_the_text(lines, random):
    """Shuffling the lines of the corpus (same chunks, other order) never changes the merges."""
    lines = [" ".join(words) for words in lines]
    shuffled = list(lines)
    random.shuffle(shuffled)
    first = train_quietly("".join(line + "\n" for line in lines), 256 + 12)
    second = train_quietly("".join(line + "\n" for line in shuffled), 256 + 12)
    assert first.merges == second.merges


@pytest.mark.points(2, hint="vocab_size = 256 bytes + merges + special tokens")
@pytest.mark.parametrize("special_tokens", [(), ("<|endoftext|>", "<pad>")])
def test_vocab_size_is_respected_exactly(special_tokens):
    """The trained vocabulary has exactly vocab_size ids, special tokens last, all in use range."""
    text = load_shakespeare("train")[:20_000]
    for vocab_size in (258, 259, 300, 397):
        tokenizer = BPETokenizer().train(text, vocab_size, special_tokens=special_tokens)
        assert tokenizer.vocab_size == vocab_size == len(tokenizer.vocab)
        assert len(tokenizer.merges) == vocab_size - 256 - len(special_tokens)
        first = vocab_size - len(special_tokens)
        assert tokenizer.special_tokens == {t: first + i for i, t in enumerate(special_tokens)}
        assert sorted(tokenizer.vocab) == list(range(vocab_size))


@pytest.mark.points(2, hint="stop when the best pair occurs fewer than 2 times")
def test_training_stops_early_when_no_pair_repeats():
    """When no pair occurs twice, training stops with a warning saying so, and the size shrinks."""
    assert BPETokenizer().train("abab abab", 258).merges == [(97, 98), (256, 256)]
    with pytest.warns(UserWarning, match=r"stopped after 1 of 44 merges.*occurs more than once"):
        tokenizer = BPETokenizer().train("abab cd", 300)
    assert tokenizer.merges == [(97, 98)] and tokenizer.vocab_size == 257
    with pytest.warns(UserWarning, match="stopped after 0 of"):
        tokenizer = BPETokenizer().train("abcd", 301, special_tokens=["<s>"])
    assert tokenizer.vocab_size == 257 and tokenizer.special_tokens == {"<s>": 256}


@pytest.mark.points(2)
def test_each_merge_lowers_the_token_count_of_the_training_text():
    """Encoding the training text with the first k+1 merges gives fewer tokens than with k."""
    text = load_shakespeare("train")[:4_000]
    merges = BPETokenizer().train(text, 256 + 60).merges
    chunks = [list(chunk.encode()) for chunk in pretokenize(text)]
    lengths = [sum(map(len, chunks))]
    for k, pair in enumerate(merges):
        chunks = [merge_reference(chunk, pair, 256 + k) for chunk in chunks]
        lengths.append(sum(map(len, chunks)))
    assert lengths[0] == len(text.encode("utf-8"))
    assert all(after < before for before, after in pairwise(lengths)), lengths


@pytest.mark.points(2, hint="cut the special tokens out of the text before counting pairs")
def test_training_never_learns_across_special_tokens():
    """Special tokens in the training text are cut out: no merge spans or enters them."""
    special = "<|endoftext|>"
    text = ("xy" + special) * 30
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tokenizer = BPETokenizer().train(text, 400, special_tokens=[special])
    assert "stopped after 1 of 143 merges" in str(caught[0].message)
    assert tokenizer.merges == naive_merges(text, 400 - 257, [special]) == [(120, 121)]
    assert tokenizer.vocab[256] == b"xy" and tokenizer.special_tokens == {special: 257}


@pytest.mark.points(1)
def test_bad_training_arguments_are_refused():
    """vocab_size too small for the bytes and specials, or repeated specials, are refused."""
    assert BPETokenizer().train("aaaa", 257).merges == [(97, 97)]
    with pytest.raises(ValueError, match=r"vocab_size must be an int >= 258.*got 257"):
        BPETokenizer().train("aaaa", 257, special_tokens=["<s>", "</s>"])
    with pytest.raises(ValueError, match="distinct non-empty"):
        BPETokenizer().train("aaaa", 300, special_tokens=["<s>", "<s>"])
