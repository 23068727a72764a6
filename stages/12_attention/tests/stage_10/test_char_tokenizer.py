# Generated from solutions/tests/stage_10/test_char_tokenizer.py by scripts/build_stages.py: a regression check from stage 10.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 10: the character-level tokenizer."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch.text import CharTokenizer

#: Corpora with repeated characters, out of code-point order, with and beyond ASCII.
corpora = st.text(alphabet=st.sampled_from("ba \ncé€😀Zz!"), min_size=1, max_size=40)


@pytest.mark.points(2, hint="ids follow sorted(set(text)): code-point order, not first appearance")
@given(corpora, st.randoms(use_true_random=False))
def test_vocabulary_is_the_sorted_distinct_characters(corpus, random):
    """The ids are the corpus's distinct characters in code-point order, whatever their order."""
    expected = sorted(set(corpus))
    shuffled = list(corpus)
    random.shuffle(shuffled)
    for tokenizer in (CharTokenizer(corpus), CharTokenizer("".join(shuffled))):
        assert tokenizer.vocab_size == len(expected) == len(tokenizer)
        assert tokenizer.itos == expected
        assert tokenizer.stoi == {ch: i for i, ch in enumerate(expected)}
        assert tokenizer.encode("".join(expected)) == list(range(len(expected)))


@pytest.mark.points(3)
@given(corpora, st.data())
def test_decode_inverts_encode(corpus, data):
    """Any string over the corpus's characters round-trips, one id per character."""
    text = data.draw(st.text(alphabet=st.sampled_from(sorted(set(corpus))), max_size=30))
    tokenizer = CharTokenizer(corpus)
    ids = tokenizer.encode(text)
    assert ids == [sorted(set(corpus)).index(ch) for ch in text]
    assert all(type(i) is int for i in ids)
    assert tokenizer.decode(ids) == text
    assert tokenizer.encode("") == [] and tokenizer.decode([]) == ""


@pytest.mark.points(2, hint="name the character with repr() and give its position")
def test_unknown_character_error_names_it():
    """Encoding a character outside the vocabulary raises a ValueError naming it and where."""
    tokenizer = CharTokenizer("hello world")
    assert tokenizer.encode("hold") == [3, 5, 4, 1]
    with pytest.raises(ValueError, match=r"'é' \(U\+00E9\) at position 2"):
        tokenizer.encode("heéllo")
    with pytest.raises(ValueError, match=r"'\\n'.*position 5.*unk_token"):
        tokenizer.encode("hello\n")


@pytest.mark.points(2, hint="<unk> is one extra id after the characters: vocab_size grows by one")
def test_unk_token_maps_unknown_characters_to_one_extra_id():
    """With unk_token, unknown characters encode to id n (after the n characters) and decode to it."""
    tokenizer = CharTokenizer("abca", unk_token="<unk>")
    assert tokenizer.vocab_size == 4 and tokenizer.unk_id == 3
    assert tokenizer.itos == ["a", "b", "c", "<unk>"]
    assert tokenizer.encode("axbé") == [0, 3, 1, 3]
    assert tokenizer.decode([0, 3, 1, 3]) == "a<unk>b<unk>"
    assert CharTokenizer("abca").unk_id is None


@pytest.mark.points(2, hint="check 0 <= id < vocab_size yourself: -1 would index from the end")
def test_decode_rejects_ids_outside_the_vocabulary():
    """decode refuses a negative id or one >= vocab_size, naming it, and accepts arrays and Tensors."""
    tokenizer = CharTokenizer("abc")
    assert tokenizer.decode(np.array([2, 0, 1])) == "cab"
    assert tokenizer.decode(tt.tensor([1, 1, 0])) == "bba"
    for bad in (-1, 3):
        with pytest.raises(ValueError, match=rf"id {bad} .*0 to 2"):
            tokenizer.decode([0, bad])


@pytest.mark.points(1)
def test_bad_arguments_are_refused():
    """A unk_token that is also a corpus character, or non-integer ids, is refused."""
    assert CharTokenizer("ab", unk_token="?").encode("a!") == [0, 2]
    with pytest.raises(ValueError, match="also a character"):
        CharTokenizer("a?b", unk_token="?")
    with pytest.raises(TypeError, match="integers"):
        CharTokenizer("ab").decode([0.0, 1.0])
