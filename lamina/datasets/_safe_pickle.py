"""Reading the pickled parts of published datasets without running arbitrary code.

CIFAR batches are pickled dicts of NumPy arrays, and the IMDB and Reuters ``.npz`` files
hold ragged sequences as pickled object arrays. The unpickler here rebuilds only NumPy
arrays, dtypes and plain Python containers; any other class named in the stream is refused.
"""

import pickle
import zipfile

import numpy as np

_ALLOWED = {
    ("numpy", "ndarray"), ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
}


class _NumpyOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(
                f"Refusing to load {module}.{name} from a dataset file: only NumPy arrays and plain Python "
                "containers are read.")
        return super().find_class(module, name)


def load_pickle(path):
    """The object pickled in ``path`` (a CIFAR batch), with byte-string keys."""
    with open(path, "rb") as f:
        return _NumpyOnlyUnpickler(f, encoding="bytes").load()


def load_npz(path):
    """The arrays of the ``.npz`` file at ``path`` as a dict; object arrays are unpickled safely."""
    out = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if not member.endswith(".npy"):
                continue
            with archive.open(member) as f:
                version = np.lib.format.read_magic(f)
                if version == (1, 0):
                    shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
                else:
                    shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
                if dtype.hasobject:
                    array = _NumpyOnlyUnpickler(f, encoding="latin1").load()
                else:
                    array = np.frombuffer(f.read(), dtype=dtype).reshape(shape, order="F" if fortran else "C")
            out[member[:-len(".npy")]] = array
    return out
