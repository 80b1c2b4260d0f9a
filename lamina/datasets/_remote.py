"""Shared loader for datasets stored as one ``.npz`` file online, cached by ``get_file``."""

import numpy as np

from lamina.utils.file_utils import get_file

BASE_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def load_npz(fname, file_hash, keys, origin=None, cache_dir=None):
    path = get_file(fname, origin=origin or BASE_URL + fname, file_hash=file_hash, cache_subdir="datasets",
                    cache_dir=cache_dir)
    with np.load(path, allow_pickle=False) as f:
        return tuple(f[k] for k in keys)
