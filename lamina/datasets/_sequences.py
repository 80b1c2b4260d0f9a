"""What the IMDB and Reuters loaders share: turning word-rank sequences into model inputs
(start and out-of-vocabulary markers, index offset, length filter, vocabulary limit), and
reading a word index."""

import json

from lamina.datasets._remote import BASE_URL
from lamina.utils.file_utils import get_file


def offset(sequences, start_char, index_from):
    """Each sequence with ``index_from`` added to every word, after ``start_char`` if given."""
    head = [start_char] if start_char is not None else []
    return [head + [int(w) + index_from for w in seq] for seq in sequences]


def drop_long(sequences, labels, maxlen, function):
    """Keeps the sequences shorter than ``maxlen`` (and their labels); None keeps all."""
    if not maxlen:
        return sequences, list(labels)
    kept = [(seq, label) for seq, label in zip(sequences, labels) if len(seq) < maxlen]
    if not kept:
        raise ValueError(f"{function}: no sequence is shorter than maxlen={maxlen}; increase maxlen.")
    return [seq for seq, _ in kept], [label for _, label in kept]


def limit_vocabulary(sequences, num_words, skip_top, oov_char):
    """Words outside ``[skip_top, num_words)`` become ``oov_char`` (or are dropped when it is
    None). Without ``num_words`` the limit is the largest word seen, which is itself excluded,
    as in Keras."""
    if not num_words:
        num_words = max(max(seq) for seq in sequences if seq)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in seq] for seq in sequences]
    return [[w for w in seq if skip_top <= w < num_words] for seq in sequences]


def load_word_index(path, fname, file_hash, origin, cache_dir):
    """The ``{word: rank}`` dict of a dataset, downloaded once and cached."""
    path = get_file(path, origin=origin or BASE_URL + fname, file_hash=file_hash, cache_subdir="datasets",
                    cache_dir=cache_dir)
    with open(path) as f:
        return json.load(f)
