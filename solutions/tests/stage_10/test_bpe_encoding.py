"""Stage 10: encoding and decoding with byte-level BPE, special tokens included.

The reference encoder below applies the definition: cut the text into chunks, take each
chunk's UTF-8 bytes, and apply every learned merge in the order it was learned.
"""

from collections import Counter
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch.datasets import load_shakespeare
from tinytorch.text import BPETokenizer, pretokenize

#: A bug in merge_pair can make encoding loop forever: fail after 20 s instead of hanging.
pytestmark = pytest.mark.timeout(20)

SPECIALS = ["<|endoftext|>", "<pad>"]
#: Shakespeare plus words in other scripts: merges then hold pieces of multi-byte characters.
MIXED = "naïve café — 日本語のテキスト, ελληνικά, emoji 😀😀 and €100\n" * 6


def merge_reference(ids, pair, new_id):
    out, i = [], 0
    while i < len(ids):
        if i + 1 < len(ids) and (ids[i], ids[i + 1]) == pair:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


def merges_reference(text, num_merges):
    """BPE merges by full recount (so these tests do not depend on your trainer)."""
    chunks = Counter(tuple(chunk.encode("utf-8")) for chunk in pretokenize(text))
    merges = []
    for k in range(num_merges):
        counts = Counter()
        for chunk, freq in chunks.items():
            for pair in pairwise(chunk):
                counts[pair] += freq
        best = min(counts, key=lambda pair: (-counts[pair], pair))
        merged = Counter()
        for chunk, freq in chunks.items():
            merged[tuple(merge_reference(chunk, best, 256 + k))] += freq
        chunks = merged
        merges.append(best)
    return merges


@pytest.fixture(scope="module")
def trained():
    """A tokenizer with 150 merges learned from Shakespeare and other scripts, and two special
    tokens (ids 406 and 407)."""
    merges = merges_reference(load_shakespeare("train")[:6_000] + MIXED, 150)
    return BPETokenizer(merges, {special: 406 + i for i, special in enumerate(SPECIALS)})


def encode_reference(merges, text):
    """Each chunk's bytes, with every merge applied in the order the merges were learned."""
    ids = []
    for chunk in pretokenize(text):
        chunk_ids = list(chunk.encode("utf-8"))
        for k, pair in enumerate(merges):
            chunk_ids = merge_reference(chunk_ids, pair, 256 + k)
        ids += chunk_ids
    return ids


def vocab_reference(merges):
    vocab = {i: bytes([i]) for i in range(256)}
    for k, (a, b) in enumerate(merges):
        vocab[256 + k] = vocab[a] + vocab[b]
    return vocab


#: Text built from the corpus's own pieces (so merges apply) and any other characters.
texts = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from([" the", " and", "é", "日本", "😀", "\n", "aaa", " to be", "€1"])).map(
        "".join
    ),
)


@pytest.mark.points(
    4, hint="join the tokens' BYTES and decode once: a token may hold half of a character"
)
@given(st.text(max_size=40))
def test_decode_inverts_encode_for_any_text(trained, text):
    """decode(encode(s)) == s for any string UTF-8 can encode, with and without merges."""
    assume(not any(special in text for special in SPECIALS))
    for tokenizer in (trained, BPETokenizer()):
        ids = tokenizer.encode(text)
        assert all(type(i) is int and 0 <= i < tokenizer.vocab_size for i in ids)
        assert tokenizer.decode(ids) == text


@pytest.mark.points(2)
def test_multibyte_characters_round_trip():
    """Without merges a character is its UTF-8 bytes, and its pieces decode together."""
    tokenizer = BPETokenizer()
    assert tokenizer.encode("é€😀") == list("é€😀".encode())
    assert tokenizer.decode([0xC3, 0xA9]) == "é"
    assert tokenizer.decode(np.array([0xE2, 0x82, 0xAC])) == "€"
    assert tokenizer.decode(tt.tensor([0xF0, 0x9F, 0x98, 0x80])) == "😀"


@pytest.mark.points(4, hint="apply the merge with the LOWEST rank present, not the most frequent")
@given(texts)
def test_encoding_applies_the_merges_in_rank_order(trained, text):
    """encode equals applying every learned merge, in the order learned, to each chunk's bytes."""
    assume(not any(special in text for special in SPECIALS))
    assert trained.encode(text) == encode_reference(trained.merges, text)
    assert trained.encode_ordinary(text) == encode_reference(trained.merges, text)


@pytest.mark.points(1)
def test_encoding_the_training_text_uses_its_merges(trained):
    """The corpus itself encodes to far fewer tokens than bytes, as the reference does."""
    text = load_shakespeare("train")[:6_000]
    ids = trained.encode(text)
    assert ids == encode_reference(trained.merges, text)
    assert len(ids) < 0.6 * len(text.encode())


@pytest.mark.points(3, hint="build vocab[256 + k] = vocab[a] + vocab[b] in merge order")
@given(st.data())
def test_decode_replaces_invalid_utf8_like_bytes_decode(trained, data):
    """Any id sequence decodes like its joined bytes with errors='replace' (e.g. 0xFF -> U+FFFD)."""
    ids = data.draw(st.lists(st.integers(0, trained.vocab_size - 1), max_size=12))
    vocab = vocab_reference(trained.merges)
    vocab.update({i: s.encode() for s, i in trained.special_tokens.items()})
    expected = b"".join(vocab[i] for i in ids).decode("utf-8", errors="replace")
    assert trained.decode(ids) == expected
    assert trained.vocab == vocab
    assert BPETokenizer().decode([0xFF, 0x41, 0xE2, 0x82]) == "\ufffdA\ufffd"


@pytest.mark.points(2)
def test_decode_rejects_unknown_ids(trained):
    """An id outside 0 .. vocab_size - 1 is refused with a message naming it."""
    assert trained.decode([406]) == "<|endoftext|>"
    for bad in (trained.vocab_size, -1):
        with pytest.raises(ValueError, match=rf"id {bad} is not in the vocabulary.*0 to 407"):
            trained.decode([65, bad])


@pytest.mark.points(3, hint="split the text on the allowed special strings first")
@given(st.lists(st.tuples(texts, st.sampled_from(SPECIALS)), max_size=4), texts)
def test_special_tokens_are_never_split(trained, pieces, tail):
    """With allowed_special='all', each special string becomes its one id; text between is
    encoded as ordinary text."""
    assume(not any(s in t for s in SPECIALS for t in [tail, *(p for p, _ in pieces)]))
    text = "".join(piece + special for piece, special in pieces) + tail
    expected = []
    for piece, special in pieces:
        expected += [*trained.encode_ordinary(piece), trained.special_tokens[special]]
    expected += trained.encode_ordinary(tail)
    assert trained.encode(text, allowed_special="all") == expected
    assert trained.encode(text, allowed_special=set(SPECIALS)) == expected
    assert trained.decode(expected) == text


@pytest.mark.points(2, hint="tiktoken's rule: a special string that is not allowed is an error")
def test_disallowed_special_tokens_are_refused_or_encoded_as_text(trained):
    """A special string that is not allowed raises; encode_ordinary encodes it as plain text."""
    text = "end<|endoftext|>pad<pad>"
    ids = trained.encode(text, allowed_special={"<pad>", "<|endoftext|>"})
    assert ids[-1] == 407 and 406 in ids
    with pytest.raises(ValueError, match=r"contains the special token '<\|endoftext\|>'"):
        trained.encode(text, allowed_special={"<pad>"})
    with pytest.raises(ValueError, match="not allowed"):
        trained.encode(text)
    plain = trained.encode_ordinary(text)
    assert 406 not in plain and 407 not in plain and trained.decode(plain) == text
    with pytest.raises(ValueError, match="not special tokens of this tokenizer"):
        trained.encode("x", allowed_special={"<unk>"})
    with pytest.raises(ValueError, match="'all' or a set"):
        trained.encode("x", allowed_special="<pad>")


@pytest.mark.points(2, hint="UTF-8 cannot encode a lone surrogate: say so, with its position")
def test_lone_surrogate_gets_a_clear_error(trained):
    """A lone surrogate (U+D800..U+DFFF) is refused with a ValueError naming it and where."""
    assert trained.decode(trained.encode("ok 😀")) == "ok 😀"
    with pytest.raises(ValueError, match=r"position 3 holds U\+D800, a lone surrogate"):
        trained.encode("abc\ud800def")
    with pytest.raises(ValueError, match=r"U\+DFFF"):
        trained.encode_ordinary("\udfff")


@pytest.mark.points(1)
def test_encode_batch_encodes_each_text(trained):
    """encode_batch returns one id list per text, each equal to encode's."""
    batch = ["To be", "", "or not <pad>", "日本"]
    assert trained.encode_batch(batch, allowed_special="all") == [
        trained.encode(t, allowed_special="all") for t in batch
    ]
    with pytest.raises(TypeError, match="list of strings"):
        trained.encode_batch("To be")
