"""CTC prefix beam search in NumPy, shared by the backends' ``ctc_beam_search_decode``.

Decoding is not differentiable, so it runs on the host; each backend moves its tensors
to NumPy, calls :func:`beam_search` and wraps the result.

Example:
    >>> from lamina.backend.common.ctc_beam import beam_search
    >>> logits = np.log(np.array([[[0.1, 0.9], [0.8, 0.2]]], "float32"))
    >>> labels, scores = beam_search(logits, np.array([2]), beam_width=4, top_paths=1, mask_index=0)
    >>> labels[0, 0].tolist()
    [1, -1]
"""

import math

import numpy as np

_NEG_INF = -math.inf


def _logaddexp(a, b):
    if a == _NEG_INF:
        return b
    if b == _NEG_INF:
        return a
    top = a if a > b else b
    return top + math.log1p(math.exp(-abs(a - b)))


def _log_softmax(x):
    # In the inputs' own precision (at least float32), as the backends compute it, so
    # scores near 0 agree with theirs; the beam sums then run in float64.
    x = x.astype(np.promote_types(x.dtype, np.float32))
    shifted = x - np.max(x, axis=-1, keepdims=True)
    return (shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))).astype(np.float64)


def _best(beams, count, num_classes):
    """The ``count`` best prefixes by total log-probability.

    Equal scores go to the prefix that is larger once classes are numbered from the
    top (``num_classes - 1 - c``) and shorter prefixes count as smaller: Keras's order.
    """

    def key(item):
        prefix, (emit, blank) = item
        return _logaddexp(emit, blank), tuple(num_classes - 1 - c for c in prefix)

    return sorted(beams.items(), key=key, reverse=True)[:count]


def _decode_row(log_probs, length, beam_width, top_paths, mask_index):
    num_classes = log_probs.shape[1]
    # Each beam maps a prefix to (log p ending in a label frame, log p ending in a blank).
    # The first frame is always read, as Keras does, even when ``length`` is 0.
    first = log_probs[0]
    beams = {(): [_NEG_INF, float(first[mask_index])]}
    for c in range(num_classes):
        if c != mask_index:
            beams[(c,)] = [float(first[c]), _NEG_INF]
    beams = dict(_best(beams, beam_width, num_classes))
    for t in range(1, min(max(int(length), 1), log_probs.shape[0])):
        frame = log_probs[t].tolist()
        extended = {}
        for prefix, (emit, blank) in beams.items():
            total = _logaddexp(emit, blank)
            entry = extended.setdefault(prefix, [_NEG_INF, _NEG_INF])
            entry[1] = _logaddexp(entry[1], total + frame[mask_index])
            last = prefix[-1] if prefix else None
            for c in range(num_classes):
                if c == mask_index:
                    continue
                if c == last:
                    # A repeat merges into the prefix unless a blank separates the two.
                    entry[0] = _logaddexp(entry[0], emit + frame[c])
                    source = blank
                else:
                    source = total
                longer = extended.setdefault(prefix + (c,), [_NEG_INF, _NEG_INF])
                longer[0] = _logaddexp(longer[0], source + frame[c])
        beams = dict(_best(extended, beam_width, num_classes))
    return [(prefix, _logaddexp(*scores)) for prefix, scores in _best(beams, top_paths, num_classes)]


def beam_search(inputs, sequence_lengths, beam_width, top_paths, mask_index):
    """CTC prefix beam search over ``log_softmax(inputs)``.

    Args:
        inputs: array of shape ``(batch, max_time, num_classes)``.
        sequence_lengths: integer array of shape ``(batch,)``.
        beam_width: prefixes kept after each frame.
        top_paths: best prefixes returned per sample.
        mask_index: the blank class.

    Returns:
        ``(labels, scores)``: int32 labels of shape ``(top_paths, batch, max_time)``
        padded with -1, and float32 log-probabilities of shape ``(batch, top_paths)``,
        best first (-inf where fewer prefixes exist).

    Example:
        >>> labels, scores = beam_search(np.zeros((1, 3, 3)), np.array([3]), 10, 2, 0)
    """
    inputs = np.asarray(inputs)
    sequence_lengths = np.asarray(sequence_lengths).reshape(-1)
    batch, max_time, _ = inputs.shape
    labels = np.full((top_paths, batch, max_time), -1, np.int32)
    scores = np.full((batch, top_paths), _NEG_INF, np.float32)
    if max_time == 0:
        return labels, scores
    log_probs = _log_softmax(inputs)
    for i in range(batch):
        for k, (prefix, score) in enumerate(
                _decode_row(log_probs[i], sequence_lengths[i], beam_width, top_paths, mask_index)):
            labels[k, i, :len(prefix)] = prefix
            scores[i, k] = score
    return labels, scores
