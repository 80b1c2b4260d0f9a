"""``StringLookup`` and ``IntegerLookup``: vocabulary lookups for string and integer features."""

import numpy as np

from lamina.layers.preprocessing.index_lookup import IndexLookup


class StringLookup(IndexLookup):
    """Maps strings to integer indices through a vocabulary (computed in NumPy on the host).

    Index 0 is the mask token (if ``mask_token`` is set, in ``"int"`` mode), then the OOV
    indices, then the vocabulary.

    Args:
        max_tokens: the largest vocabulary size, special tokens included (``None``: no limit).
        num_oov_indices: how many indices out-of-vocabulary tokens hash into (default 1).
        mask_token: the token meaning "masked" (``None``: no mask index).
        oov_token: the token returned for OOV indices with ``invert=True`` (default ``"[UNK]"``).
        vocabulary: a list of strings or the path of a text file with one token per line.
        idf_weights: with ``output_mode="tf_idf"``, one weight per vocabulary token.
        invert: map indices back to strings.
        output_mode: ``"int"``, ``"one_hot"``, ``"multi_hot"`` (alias ``"binary"``), ``"count"`` or ``"tf_idf"``.
        pad_to_max_tokens: in the multi modes, make the output ``max_tokens`` wide.
        encoding: the text encoding of byte-string inputs (default ``"utf-8"``).
        salt: with ``num_oov_indices > 1``, an integer or pair of integers keying SipHash-2-4
            for the OOV bucket (default ``None``: FarmHash Fingerprint64), as TensorFlow does.

    Example:
        >>> layer = lamina.layers.StringLookup(vocabulary=["a", "b", "c", "d"])
        >>> lamina.ops.convert_to_numpy(layer([["a", "c", "d"], ["d", "z", "f"]])).tolist()
        [[1, 3, 4], [4, 0, 0]]
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]", vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", pad_to_max_tokens=False, sparse=False,
                 encoding="utf-8", salt=None, **kwargs):
        kwargs.pop("vocabulary_dtype", None)
        self.encoding = encoding
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary_dtype="string", vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode, sparse=sparse,
                         pad_to_max_tokens=pad_to_max_tokens, salt=salt, **kwargs)

    def _convert_token(self, token):
        return token.decode(self.encoding) if isinstance(token, bytes) else str(token)

    def _prepare(self, arr):
        if arr.dtype.kind not in "UO":
            raise ValueError(
                f"StringLookup '{self.name}' expects string inputs. Received dtype={arr.dtype}. Use "
                "IntegerLookup for integer features."
            )
        return arr

    def get_config(self):
        config = super().get_config()
        config["encoding"] = self.encoding
        return config


class IntegerLookup(IndexLookup):
    """Maps integers to contiguous indices through a vocabulary (computed in NumPy on the host).

    Args:
        max_tokens: the largest vocabulary size, special tokens included (``None``: no limit).
        num_oov_indices: how many indices out-of-vocabulary values hash into (default 1).
        mask_token: the integer meaning "masked" (``None``: no mask index).
        oov_token: the value returned for OOV indices with ``invert=True`` (default -1).
        vocabulary: a list of integers or the path of a text file with one per line.
        idf_weights: with ``output_mode="tf_idf"``, one weight per vocabulary entry.
        invert: map indices back to the integer values.
        output_mode: ``"int"``, ``"one_hot"``, ``"multi_hot"`` (alias ``"binary"``), ``"count"`` or ``"tf_idf"``.
        pad_to_max_tokens: in the multi modes, make the output ``max_tokens`` wide.
        oov_method: with ``num_oov_indices > 1``, how an OOV value picks its bucket:
            ``"floormod"`` (value modulo the bucket count, the default) or ``"farmhash"``
            (the hash of its decimal string, spreading values with common factors evenly).
        salt: with ``oov_method="farmhash"``, an integer or pair of integers keying SipHash-2-4
            instead of FarmHash.

    Example:
        >>> layer = lamina.layers.IntegerLookup(vocabulary=[12, 36, 1138, 42])
        >>> lamina.ops.convert_to_numpy(layer([[12, 1138, 42], [42, 1000, 36]])).tolist()
        [[1, 3, 4], [4, 0, 2]]
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1, output_mode="int",
                 sparse=False, vocabulary=None, vocabulary_dtype="int64", idf_weights=None, invert=False,
                 pad_to_max_tokens=False, oov_method="floormod", salt=None, **kwargs):
        if vocabulary_dtype not in ("int32", "int64"):
            raise ValueError(
                f"IntegerLookup: `vocabulary_dtype` must be 'int32' or 'int64'. Received: vocabulary_dtype={vocabulary_dtype!r}"
            )
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=None if mask_token is None else int(mask_token),
                         oov_token=None if oov_token is None else int(oov_token), vocabulary_dtype=vocabulary_dtype,
                         vocabulary=vocabulary, idf_weights=idf_weights, invert=invert, output_mode=output_mode,
                         sparse=sparse, pad_to_max_tokens=pad_to_max_tokens, oov_method=oov_method, salt=salt,
                         **kwargs)

    def _convert_token(self, token):
        return int(token)

    def _prepare(self, arr):
        if arr.dtype.kind == "f":
            if not np.all(np.mod(arr, 1) == 0):
                raise ValueError(f"IntegerLookup '{self.name}' expects integer inputs. Received non-integer floats.")
        elif arr.dtype.kind not in "iub":
            raise ValueError(f"IntegerLookup '{self.name}' expects integer inputs. Received dtype={arr.dtype}.")
        return arr.astype(np.int64)
