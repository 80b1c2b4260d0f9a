"""``ops.ctc_decode`` (greedy and beam search) against real Keras 3, known answers, errors, jit."""

import numpy as np
import pytest

import lamina
from lamina import ops
from tests.conftest import keras_or_skip

BATCH, TIME, CLASSES = 5, 10, 6
A, B = 1, 2


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _case(seed):
    rng = np.random.default_rng(seed)
    inputs = (2.0 * rng.normal(size=(BATCH, TIME, CLASSES))).astype("float32")
    inputs[0, 3] = inputs[0, 2]  # equal neighbouring frames: a repeat to merge (or not)
    sequence_lengths = np.array([10, 7, 1, 0, 4], "int32")
    return inputs, sequence_lengths


@pytest.mark.parametrize("strategy", ["greedy", "beam_search"])
@pytest.mark.parametrize("mask_index", [0, CLASSES - 1])
@pytest.mark.parametrize("merge_repeated", [True, False])
@pytest.mark.parametrize("top_paths", [1, 3])
def test_ctc_decode_matches_keras(strategy, mask_index, merge_repeated, top_paths):
    keras = keras_or_skip()
    inputs, sequence_lengths = _case(seed=mask_index + 10 * top_paths)
    kwargs = dict(strategy=strategy, beam_width=8, top_paths=top_paths, merge_repeated=merge_repeated,
                  mask_index=mask_index)
    labels, scores = ops.ctc_decode(inputs, sequence_lengths, **kwargs)
    k_labels, k_scores = keras.ops.ctc_decode(inputs, sequence_lengths, **kwargs)
    k_labels, k_scores = (np.asarray(keras.ops.convert_to_numpy(t)) for t in (k_labels, k_scores))
    labels, scores = _np(labels), _np(scores)
    paths = top_paths if strategy == "beam_search" else 1
    assert labels.shape == (paths, BATCH, TIME) and labels.dtype == np.int32
    assert scores.shape == (BATCH, paths) and scores.dtype == np.float32
    np.testing.assert_array_equal(labels, k_labels)
    np.testing.assert_allclose(scores, k_scores, rtol=1e-4)


def test_greedy_known_answer():
    frames = ops.one_hot([[A, A, 0, A, B, B]], 3)  # a, a, blank, a, b, b
    labels, scores = ops.ctc_decode(frames, [6])
    np.testing.assert_array_equal(_np(labels), [[[A, A, B, -1, -1, -1]]])
    np.testing.assert_allclose(_np(scores), [[-6.0]])
    labels, _ = ops.ctc_decode(frames, [6], merge_repeated=False)
    np.testing.assert_array_equal(_np(labels), [[[A, A, A, B, B, -1]]])
    labels, scores = ops.ctc_decode(frames, [3])  # only a, a, blank are read
    np.testing.assert_array_equal(_np(labels), [[[A, -1, -1, -1, -1, -1]]])
    np.testing.assert_allclose(_np(scores), [[-3.0]])


def test_beam_search_known_answer():
    frames = 10.0 * _np(ops.one_hot([[A, A, 0, A, B]], 3))
    labels, scores = ops.ctc_decode(frames, [5], strategy="beam_search", beam_width=4, top_paths=2)
    labels, scores = _np(labels), _np(scores)
    np.testing.assert_array_equal(labels[0], [[A, A, B, -1, -1]])
    # Every frame is nearly certain: the best sequence's log-probability is about 0.
    assert -1e-3 < scores[0, 0] <= 0.0 and scores[0, 1] < scores[0, 0] - 5.0
    # Uniform frames, two of them over 3 classes: "1" and "2" each collect 3 of the 9 paths;
    # "", "1 2" and "2 1" one each.
    labels, scores = ops.ctc_decode(np.zeros((1, 2, 3), "float32"), [2], strategy="beam_search",
                                    beam_width=5, top_paths=3)
    np.testing.assert_allclose(_np(scores)[0], np.log([3 / 9, 3 / 9, 1 / 9]), rtol=1e-5)
    assert sorted(tuple(row[row >= 0]) for row in _np(labels)[:2, 0]) == [(1,), (2,)]


def test_mask_index_none_is_the_last_class():
    inputs, sequence_lengths = _case(seed=3)
    for strategy in ["greedy", "beam_search"]:
        ours = ops.ctc_decode(inputs, sequence_lengths, strategy=strategy, beam_width=4, mask_index=None)
        last = ops.ctc_decode(inputs, sequence_lengths, strategy=strategy, beam_width=4, mask_index=CLASSES - 1)
        for a, b in zip(ours, last):
            np.testing.assert_array_equal(_np(a), _np(b))


def test_ctc_decode_symbolic_shapes():
    inputs = lamina.Input((TIME, CLASSES))
    lengths = lamina.Input((), dtype="int32")
    labels, scores = ops.ctc_decode(inputs, lengths)
    assert tuple(labels.shape) == (1, None, TIME) and labels.dtype == "int32"
    assert tuple(scores.shape) == (None, 1) and scores.dtype == "float32"
    labels, scores = ops.ctc_decode(inputs, lengths, strategy="beam_search", beam_width=3, top_paths=2)
    assert tuple(labels.shape) == (2, None, TIME) and tuple(scores.shape) == (None, 2)


def test_beam_search_under_jax_jit():
    if lamina.backend.backend() != "jax":
        pytest.skip("jax.jit applies to the JAX backend only")
    import jax

    inputs, sequence_lengths = _case(seed=5)
    decode = jax.jit(lambda x, n: ops.ctc_decode(x, n, strategy="beam_search", beam_width=6, top_paths=2))
    jitted = decode(inputs, sequence_lengths)
    eager = ops.ctc_decode(inputs, sequence_lengths, strategy="beam_search", beam_width=6, top_paths=2)
    np.testing.assert_array_equal(_np(jitted[0]), _np(eager[0]))
    np.testing.assert_allclose(_np(jitted[1]), _np(eager[1]), rtol=1e-6)


@pytest.mark.parametrize("shapes,kwargs,message", [
    (((2, 5), (2,)), {}, r"`inputs` must have rank 3.*Received: inputs.shape=\(2, 5\)"),
    (((2, 5, 4), (2, 1)), {}, r"`sequence_lengths` must have rank 1.*Received: sequence_lengths.shape=\(2, 1\)"),
    (((2, 5, 4), (3,)), {}, r"must share the batch size.*Received: inputs.shape=\(2, 5, 4\)"),
    (((2, 5, 4), (2,)), {"strategy": "beam"}, r"`strategy` must be one of.*Received: strategy='beam'"),
    (((2, 5, 4), (2,)), {"mask_index": 4}, r"`mask_index` must be an integer class index in \[0, 4\).*"
                                           r"Received: mask_index=4"),
    (((2, 5, 4), (2,)), {"strategy": "beam_search", "beam_width": 0},
     r"`beam_width` must be a positive integer.*Received: beam_width=0"),
    (((2, 5, 4), (2,)), {"strategy": "beam_search", "top_paths": 1.5},
     r"`top_paths` must be a positive integer.*Received: top_paths=1.5"),
    (((2, 5, 4), (2,)), {"strategy": "beam_search", "beam_width": 2, "top_paths": 3},
     r"`top_paths` must be at most `beam_width`.*Received: top_paths=3, beam_width=2"),
])
def test_ctc_decode_errors(shapes, kwargs, message):
    inputs, lengths = np.zeros(shapes[0], "float32"), np.zeros(shapes[1], "int32")
    with pytest.raises(ValueError, match="ctc_decode: .*" + message):
        ops.ctc_decode(inputs, lengths, **kwargs)
