"""IMDB movie reviews as word-index sequences (sentiment), downloaded once and cached."""

import numpy as np

from lamina.utils.file_utils import get_file

_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz"
_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2,
              index_from=3, origin=None, cache_dir=None):
    """Returns ``(x_train, y_train), (x_test, y_test)``; each x is an object array of int lists."""
    path = get_file(path, origin=origin or _URL, file_hash=_HASH, cache_dir=cache_dir)
    with np.load(path, allow_pickle=True) as f:  # the published file stores ragged lists as objects
        x_train, y_train, x_test, y_test = f["x_train"], f["y_train"], f["x_test"], f["y_test"]
    rng = np.random.RandomState(seed)
    order = rng.permutation(len(x_train))
    x_train, y_train = x_train[order], y_train[order]
    order = rng.permutation(len(x_test))
    x_test, y_test = x_test[order], y_test[order]

    def encode(xs):
        out = []
        for seq in xs:
            seq = [start_char] + [w + index_from for w in seq] if start_char is not None else [w + index_from for w in seq]
            if num_words is not None or skip_top:
                limit = num_words or max(seq) + 1
                seq = [w if skip_top <= w < limit else oov_char for w in seq]
            if maxlen is not None:
                seq = seq[:maxlen]
            out.append(seq)
        return np.array(out, dtype=object)

    return (encode(x_train), y_train), (encode(x_test), y_test)
