"""IMDB movie reviews as word-index sequences (sentiment), downloaded once and cached."""

import numpy as np

from lamina.datasets import _safe_pickle, _sequences
from lamina.utils.file_utils import get_file

_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz"
_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
_WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2,
              index_from=3, origin=None, cache_dir=None):
    """Returns ``(x_train, y_train), (x_test, y_test)``: 25,000 reviews each, every x an object
    array of int lists (words by frequency rank, plus ``index_from``), every y 0 or 1.

    Args:
        path: file name in the cache.
        num_words: keep the most frequent words below this index; others become ``oov_char``.
        skip_top: the most frequent words below this index also become ``oov_char``.
        maxlen: drop reviews of ``maxlen`` words or more (as Keras does).
        seed: shuffling seed (train and test are shuffled separately).
        start_char: marker put first in each review (None: none).
        oov_char: replacement for cut words (None: cut words are removed).
        index_from: offset added to word ranks.
        origin: alternative URL (e.g. a local mirror); defaults to the public Keras copy.
        cache_dir: root of the cache (default ``~/.lamina``).
    """
    path = get_file(path, origin=origin or _URL, file_hash=_HASH, cache_dir=cache_dir)
    f = _safe_pickle.load_npz(path)
    rng = np.random.RandomState(seed)
    splits = []
    for x_key, y_key in (("x_train", "y_train"), ("x_test", "y_test")):
        order = np.arange(len(f[x_key]))
        rng.shuffle(order)
        xs = _sequences.offset(f[x_key][order], start_char, index_from)
        splits.append(_sequences.drop_long(xs, f[y_key][order], maxlen, "imdb.load_data"))
    n_train = len(splits[0][0])
    xs = _sequences.limit_vocabulary(splits[0][0] + splits[1][0], num_words, skip_top, oov_char)
    x_train, x_test = np.empty(n_train, dtype=object), np.empty(len(xs) - n_train, dtype=object)
    x_train[:], x_test[:] = xs[:n_train], xs[n_train:]
    return (x_train, np.asarray(splits[0][1])), (x_test, np.asarray(splits[1][1]))


def get_word_index(path="imdb_word_index.json", origin=None, cache_dir=None):
    """The ``{word: rank}`` dict of the IMDB data; a word's index in ``load_data`` sequences is
    its rank plus ``index_from`` (3 by default).

    Args:
        path: file name in the cache.
        origin: alternative URL; defaults to the public Keras copy.
        cache_dir: root of the cache (default ``~/.lamina``).
    """
    return _sequences.load_word_index(path, "imdb_word_index.json", _WORD_INDEX_HASH, origin, cache_dir)
