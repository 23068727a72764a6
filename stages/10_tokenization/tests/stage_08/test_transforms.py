# Generated from solutions/tests/stage_08/test_transforms.py by scripts/build_stages.py: a regression check from stage 08.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 08: Normalize, RandomHorizontalFlip, RandomCrop, ToTensor and Compose."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch.data import transforms as T
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import float_arrays


@st.composite
def chw_images(draw, max_side=6):
    """A float32 (C, H, W) image, sometimes with a leading batch dimension."""
    c, h, w = (
        draw(st.integers(1, 4)),
        draw(st.integers(1, max_side)),
        draw(st.integers(1, max_side)),
    )
    batch = draw(st.sampled_from([(), (2,)]))
    return draw(float_arrays((*batch, c, h, w)))


@pytest.mark.points(3, hint="reshape mean and std to (C, 1, 1) so they broadcast over H, W")
@given(image=chw_images(), data=st.data())
def test_normalize_is_per_channel(image, data):
    """Normalize gives (x[..., c, :, :] - mean[c]) / std[c] per channel, float32 kept, type kept."""
    c = image.shape[-3]
    mean = data.draw(st.lists(st.floats(-5, 5), min_size=c, max_size=c))
    std = data.draw(st.lists(st.floats(0.1, 5), min_size=c, max_size=c))
    expected = np.empty_like(image)
    for k in range(c):  # the direct reference: one channel at a time
        expected[..., k, :, :] = (image[..., k, :, :] - np.float32(mean[k])) / np.float32(std[k])
    normalize = T.Normalize(mean, std)
    out = normalize(tt.tensor(image))
    assert isinstance(out, tt.Tensor)
    assert_close(out, expected)
    out_array = normalize(image)
    assert isinstance(out_array, np.ndarray)
    assert_close(out_array, expected)
    assert_close(T.Normalize(mean, std, inplace=True)(image.copy()), expected)


@pytest.mark.points(1)
def test_normalize_standardizes_a_dataset():
    """With the data's own per-channel mean and std, every channel ends with mean 0 and std 1."""
    rng = np.random.default_rng(0)
    images = (
        rng.standard_normal((50, 3, 4, 4)) * [[[2.0]], [[0.5]], [[7.0]]]
        + [[[1.0]], [[-3.0]], [[10.0]]]
    ).astype(np.float32)
    mean, std = images.mean(axis=(0, 2, 3)), images.std(axis=(0, 2, 3))
    out = T.Normalize(mean.tolist(), std.tolist())(images)
    assert_close(out.mean(axis=(0, 2, 3)), np.zeros(3, np.float32), atol=1e-5)
    assert_close(out.std(axis=(0, 2, 3)), np.ones(3, np.float32), atol=1e-5)


@pytest.mark.points(1)
def test_normalize_errors_name_the_problem():
    """A channel-count mismatch, an integer image and a zero std each raise a clear error."""
    assert T.Normalize([0.5], [0.5])(tt.ones(1, 2, 2)).numpy().tolist() == [
        [[1.0, 1.0], [1.0, 1.0]]
    ]
    with pytest.raises(ValueError, match=r"3 channel.*2 channels"):
        T.Normalize([0.0] * 3, [1.0] * 3)(tt.zeros(2, 4, 4))
    with pytest.raises(TypeError, match=r"float image.*uint8"):
        T.Normalize([0.0], [1.0])(np.zeros((1, 2, 2), np.uint8))
    with pytest.raises(ValueError, match="zero"):
        T.Normalize([0.0, 0.0], [1.0, 0.0])


@pytest.mark.points(2, hint="p=1 always flips, p=0 never; reverse only the last axis")
@given(image=chw_images(), seed=st.integers(0, 2**31))
def test_horizontal_flip_mirrors_the_width_axis(image, seed):
    """p=1 mirrors column j to W-1-j (exactly, on Tensors and arrays); p=0 leaves the image alone."""
    w = image.shape[-1]
    expected = np.empty_like(image)
    for j in range(w):
        expected[..., j] = image[..., w - 1 - j]
    assert_close(T.RandomHorizontalFlip(p=1.0, seed=seed)(tt.tensor(image)), expected)
    assert_close(T.RandomHorizontalFlip(p=1.0, seed=seed)(image), expected)
    assert_close(T.RandomHorizontalFlip(p=0.0, seed=seed)(tt.tensor(image)), image)


@pytest.mark.points(2, hint="one uniform draw per call from the transform's generator")
def test_horizontal_flip_is_seeded_with_probability_p():
    """A seed fixes which calls flip; about p of the calls flip; tinytorch.manual_seed works too."""
    image = np.arange(6, dtype=np.float32).reshape(1, 2, 3)

    def flips(transform, calls=2000):
        return [bool(transform(image)[0, 0, 0] == 2.0) for _ in range(calls)]

    a = flips(T.RandomHorizontalFlip(p=0.3, seed=7))
    assert a == flips(T.RandomHorizontalFlip(p=0.3, seed=7))
    assert a != flips(T.RandomHorizontalFlip(p=0.3, seed=8))
    assert 500 <= sum(a) <= 700  # 2000 * 0.3 = 600, standard deviation about 20
    tt.manual_seed(3)
    b = flips(T.RandomHorizontalFlip(p=0.5), 50)
    tt.manual_seed(3)
    assert b == flips(T.RandomHorizontalFlip(p=0.5), 50)


def padded_reference(image, left, top, right, bottom, fill):
    """The image on a canvas enlarged by the given borders, filled with ``fill``."""
    *lead, h, w = image.shape
    canvas = np.full((*lead, top + h + bottom, left + w + right), fill, dtype=image.dtype)
    canvas[..., top : top + h, left : left + w] = image
    return canvas


def crop_positions(out, canvas):
    """Every (i, j) at which ``out`` is a window of ``canvas`` (a direct search)."""
    h, w = out.shape[-2:]
    return [
        (i, j)
        for i in range(canvas.shape[-2] - h + 1)
        for j in range(canvas.shape[-1] - w + 1)
        if np.array_equal(canvas[..., i : i + h, j : j + w], out)
    ]


@pytest.mark.points(3, hint="pad first, then draw a corner among the positions where the crop fits")
@given(
    image=chw_images(),
    padding=st.integers(0, 3),
    fill=st.sampled_from([0.0, -1.0, 7.5]),
    data=st.data(),
)
def test_random_crop_is_a_window_of_the_padded_image(image, padding, fill, data):
    """RandomCrop(size, padding) returns a size window lying inside the padded image."""
    h, w = image.shape[-2:]
    size = (data.draw(st.integers(1, h + 2 * padding)), data.draw(st.integers(1, w + 2 * padding)))
    crop = T.RandomCrop(size, padding=padding, fill=fill, seed=data.draw(st.integers(0, 99)))
    out = crop(tt.tensor(image))
    assert isinstance(out, tt.Tensor)
    assert out.shape == (*image.shape[:-2], *size)
    assert out.dtype == np.float32
    canvas = padded_reference(image, padding, padding, padding, padding, fill)
    assert crop_positions(out.numpy(), canvas), "the crop is not a window of the padded image"


@pytest.mark.points(
    2, hint="draw the row offset, then the column offset, from the seeded generator"
)
def test_random_crop_is_seeded_and_reaches_every_offset():
    """A seed fixes the crops; over many calls every one of the (2p+1)^2 offsets occurs."""
    image = np.arange(1, 26, dtype=np.float32).reshape(1, 5, 5)  # all values distinct and nonzero
    canvas = padded_reference(image, 1, 1, 1, 1, 0.0)

    def offsets(transform, calls=400):
        return [crop_positions(transform(image), canvas)[0] for _ in range(calls)]

    first = offsets(T.RandomCrop(5, padding=1, seed=11))
    assert first == offsets(T.RandomCrop(5, padding=1, seed=11))
    assert first != offsets(T.RandomCrop(5, padding=1, seed=12))
    assert set(first) == {(i, j) for i in range(3) for j in range(3)}


@pytest.mark.points(
    1,
    hint="padding (l, t, r, b) or (lr, tb); too big: 'Required crop size (h, w) is larger ...'",
)
def test_random_crop_padding_forms_follow_torchvision():
    """padding=(l, t, r, b) and (lr, tb) pad those sides; pad_if_needed fills up; too big is an error."""
    image = np.arange(1, 7, dtype=np.float32).reshape(1, 2, 3)
    whole = T.RandomCrop((2 + 2 + 4, 3 + 1 + 3), padding=(1, 2, 3, 4), fill=-1.0)(image)
    assert_close(whole, padded_reference(image, 1, 2, 3, 4, -1.0))
    pairs = T.RandomCrop((2 + 2 * 2, 3 + 2 * 1), padding=(1, 2))(tt.tensor(image))
    assert_close(pairs, padded_reference(image, 1, 2, 1, 2, 0.0))
    edge = T.RandomCrop((4, 5), padding=1, padding_mode="edge")(image)
    assert_close(edge, np.pad(image, ((0, 0), (1, 1), (1, 1)), mode="edge"))
    grown = T.RandomCrop((4, 3), pad_if_needed=True, seed=0)(image)
    assert grown.shape == (1, 4, 3)
    with pytest.raises(ValueError, match=r"crop size \(4, 4\) is larger.*\(2, 3\)"):
        T.RandomCrop(4)(image)


@pytest.mark.points(1)
@given(h=st.integers(1, 5), w=st.integers(1, 5), c=st.integers(1, 4), data=st.data())
def test_to_tensor_and_compose(h, w, c, data):
    """ToTensor: uint8 HWC -> float32 CHW / 255; Compose applies its transforms in order."""
    pixels = np.asarray(
        data.draw(st.lists(st.integers(0, 255), min_size=h * w * c, max_size=h * w * c)), np.uint8
    ).reshape(h, w, c)
    expected = np.empty((c, h, w), np.float32)
    for k in range(c):
        expected[k] = pixels[:, :, k].astype(np.float32) / np.float32(255)
    assert_close(T.ToTensor()(pixels), expected)
    assert_close(T.ToTensor()(pixels[:, :, 0]), expected[:1])
    pipeline = T.Compose([T.ToTensor(), T.Normalize([0.5] * c, [0.25] * c)])
    assert_close(pipeline(pixels), (expected - np.float32(0.5)) / np.float32(0.25))
    with pytest.raises(TypeError, match="NumPy array"):
        T.ToTensor()(tt.tensor(expected))
