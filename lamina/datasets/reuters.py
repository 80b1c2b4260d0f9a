"""Reuters newswires as word-index sequences, labelled with 46 topics; downloaded once and cached."""

import numpy as np

from lamina.datasets import _safe_pickle, _sequences
from lamina.utils.file_utils import get_file

_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/reuters.npz"
_HASH = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
_WORD_INDEX_HASH = "4d44cc38712099c9e383dc6e5f11a921"
_LABELS = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply", "coffee", "sugar",
    "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp",
    "meal-feed", "alum", "oilseed", "gold", "tin", "strategic-metal", "livestock", "retail", "ipi", "iron-steel",
    "rubber", "heat", "jobs", "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog",
    "lead",
)


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113,
              start_char=1, oov_char=2, index_from=3, origin=None, cache_dir=None):
    """Returns ``(x_train, y_train), (x_test, y_test)``: 11,228 newswires, shuffled, then split;
    every x an object array of int lists (words by frequency rank, plus ``index_from``), every
    y a topic index (``get_label_names()`` names them).

    Args:
        path: file name in the cache.
        num_words: keep the most frequent words below this index; others become ``oov_char``.
        skip_top: the most frequent words below this index also become ``oov_char``.
        maxlen: drop newswires of ``maxlen`` words or more.
        test_split: share of the data kept for testing, in [0, 1).
        seed: shuffling seed.
        start_char: marker put first in each sequence (None: none).
        oov_char: replacement for cut words (None: cut words are removed).
        index_from: offset added to word ranks.
        origin: alternative URL (e.g. a local mirror); defaults to the public Keras copy.
        cache_dir: root of the cache (default ``~/.lamina``).
    """
    if not 0 <= test_split < 1:
        raise ValueError(f"reuters.load_data: expected test_split in [0, 1). Received: test_split={test_split!r}")
    path = get_file(path, origin=origin or _URL, file_hash=_HASH, cache_dir=cache_dir)
    f = _safe_pickle.load_npz(path)
    order = np.arange(len(f["x"]))
    np.random.RandomState(seed).shuffle(order)
    xs = _sequences.offset(f["x"][order], start_char, index_from)
    xs, labels = _sequences.drop_long(xs, f["y"][order], maxlen, "reuters.load_data")
    xs = _sequences.limit_vocabulary(xs, num_words, skip_top, oov_char)
    n_train = int(len(xs) * (1 - test_split))
    x_train, x_test = np.empty(n_train, dtype=object), np.empty(len(xs) - n_train, dtype=object)
    x_train[:], x_test[:] = xs[:n_train], xs[n_train:]
    return (x_train, np.asarray(labels[:n_train])), (x_test, np.asarray(labels[n_train:]))


def get_word_index(path="reuters_word_index.json", origin=None, cache_dir=None):
    """The ``{word: rank}`` dict of the Reuters data; a word's index in ``load_data``
    sequences is its rank plus ``index_from`` (3 by default)."""
    return _sequences.load_word_index(path, "reuters_word_index.json", _WORD_INDEX_HASH, origin, cache_dir)


def get_label_names():
    """The 46 topic names, in label order.

    Example:
        >>> lamina.datasets.reuters.get_label_names()[:3]
        ('cocoa', 'grain', 'veg-oil')
    """
    return _LABELS
