"""``TextVectorization``: raw strings to token ids or bag-of-words vectors, in NumPy on the host.

Per batch: standardize each string (lowercase, strip ASCII punctuation), split it into
tokens, add n-grams, then look the tokens up in bulk through a ``StringLookup`` (one dict
lookup per token, done by ``map`` in C) and pad with NumPy scatter.
"""

import itertools
import string

import numpy as np

from lamina.layers.preprocessing import _host
from lamina.layers.preprocessing.index_lookup import _DROPPED, standardize_output_mode
from lamina.layers.preprocessing.lookup import StringLookup

_STANDARDIZE = (None, "lower_and_strip_punctuation", "lower", "strip_punctuation")
_SPLIT = (None, "whitespace", "character")
_STRIP = str.maketrans("", "", string.punctuation)


def _serialize_callable(fn):
    if fn is None or isinstance(fn, str):
        return fn
    from lamina.saving.serialization_lib import serialize_keras_object

    return serialize_keras_object(fn)


def _deserialize_callable(value):
    if isinstance(value, dict):
        from lamina.saving.serialization_lib import deserialize_keras_object

        return deserialize_keras_object(value)
    return value


class TextVectorization(_host.HostLayer):
    """Turns strings into token ids (``"int"``) or vectors over a vocabulary.

    Args:
        max_tokens: the largest vocabulary size, including the padding (0) and OOV (1) tokens
            in ``"int"`` mode and the OOV token otherwise.
        standardize: ``"lower_and_strip_punctuation"`` (default), ``"lower"``,
            ``"strip_punctuation"``, ``None`` or a callable taking and returning a NumPy array
            of strings.
        split: ``"whitespace"`` (default), ``"character"``, ``None`` or a callable taking a
            NumPy array of strings and returning one list of tokens per string.
        ngrams: ``None``, an integer n (all n-grams up to n) or a tuple of n-gram widths.
        output_mode: ``"int"``, ``"multi_hot"`` (alias ``"binary"``), ``"count"`` or
            ``"tf_idf"`` (alias ``"tf-idf"``).
        output_sequence_length: in ``"int"`` mode, pad or cut every output to this length;
            otherwise outputs are padded to the longest sequence of the batch.
        pad_to_max_tokens: in the vector modes, make outputs ``max_tokens`` wide.
        vocabulary: a list of tokens or the path of a file with one token per line.
        idf_weights: with ``"tf_idf"`` and a given vocabulary, one weight per token.

    Example:
        >>> layer = lamina.layers.TextVectorization(output_sequence_length=4)
        >>> layer.adapt(["the cat sat", "the dog"])
        >>> layer.get_vocabulary()
        ['', '[UNK]', 'the', 'sat', 'dog', 'cat']
        >>> lamina.ops.convert_to_numpy(layer(["the dog sat down"])).tolist()
        [[2, 4, 3, 1]]
    """

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation", split="whitespace", ngrams=None,
                 output_mode="int", output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", **kwargs):
        kwargs.pop("vocabulary_size", None)
        super().__init__(**kwargs)
        standardize = _deserialize_callable(standardize)
        split = _deserialize_callable(split)
        if not (standardize in _STANDARDIZE or callable(standardize)):
            raise ValueError(f"TextVectorization: `standardize` must be one of {list(_STANDARDIZE)} or a callable. Received: standardize={standardize!r}")
        if not (split in _SPLIT or callable(split)):
            raise ValueError(f"TextVectorization: `split` must be one of {list(_SPLIT)} or a callable. Received: split={split!r}")
        if isinstance(ngrams, list):
            ngrams = tuple(ngrams)
        if not (ngrams is None or (isinstance(ngrams, int) and ngrams > 0)
                or (isinstance(ngrams, tuple) and all(isinstance(n, int) and n > 0 for n in ngrams))):
            raise ValueError(f"TextVectorization: `ngrams` must be None, a positive integer or a tuple of them. Received: ngrams={ngrams!r}")
        self.output_mode = standardize_output_mode(output_mode, "TextVectorization", ("int", "multi_hot", "count", "tf_idf"))
        if output_sequence_length is not None and self.output_mode != "int":
            raise ValueError(
                "TextVectorization: `output_sequence_length` only applies with output_mode='int'. "
                f"Received: output_mode={output_mode!r}, output_sequence_length={output_sequence_length}"
            )
        if output_sequence_length is not None and (not isinstance(output_sequence_length, int) or output_sequence_length <= 0):
            raise ValueError(f"TextVectorization: `output_sequence_length` must be a positive integer. Received: {output_sequence_length!r}")
        if ragged or sparse:
            raise ValueError(f"TextVectorization: ragged and sparse outputs are not supported. Received: ragged={ragged}, sparse={sparse}")
        self.max_tokens = max_tokens
        self.standardize = standardize
        self.split = split
        self.ngrams = ngrams
        self._widths = None if ngrams is None else (tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams)
        self.output_sequence_length = output_sequence_length
        self.pad_to_max_tokens = pad_to_max_tokens
        self.encoding = encoding
        self.sparse = self.ragged = False
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
            mask_token="" if self.output_mode == "int" else None, output_mode=self.output_mode,
            pad_to_max_tokens=pad_to_max_tokens, encoding=encoding, name=f"{self.name}_lookup")

    # -- vocabulary ------------------------------------------------------------
    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary; with special tokens, a token's position is its id."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        """The number of ids, including padding and OOV."""
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Sets the vocabulary (and, for ``"tf_idf"``, its idf weights)."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights)

    @property
    def idf_weights(self):
        return self._lookup_layer.idf_weights

    def adapt(self, data, batch_size=None, steps=None):
        """Builds the vocabulary (most frequent tokens first) and idf weights from ``data``.

        Args:
            data: strings as an array, list, generator or dataset of batches.
            batch_size: strings per batch when ``data`` is an array.
            steps: the number of batches to read (all by default).
        """
        lookup = self._lookup_layer
        lookup._reset_counts()
        for batch in _host.iter_batches(data, batch_size, steps, "TextVectorization"):
            lookup._update_counts(self._tokenize(batch))
        lookup._finalize_counts()

    # -- the pipeline ------------------------------------------------------------
    def _strings(self, inputs):
        arr = _host.to_numpy(inputs)
        if arr.dtype.kind not in "UO":
            raise ValueError(f"TextVectorization '{self.name}' expects string inputs. Received dtype={arr.dtype}.")
        if arr.ndim == 2 and arr.shape[-1] == 1:
            arr = arr[:, 0]
        elif arr.ndim > 1:
            raise ValueError(
                f"TextVectorization '{self.name}' expects a batch of strings of shape (batch,) or (batch, 1). "
                f"Received shape {arr.shape}."
            )
        return arr.reshape(-1)

    def _tokenize(self, inputs):
        """One list of tokens per input string."""
        arr = self._strings(inputs)
        std = self.standardize
        if callable(std):
            texts = [t.decode(self.encoding) if isinstance(t, bytes) else str(t) for t in np.asarray(std(arr)).reshape(-1).tolist()]
        else:
            texts = [t if isinstance(t, str) else t.decode(self.encoding) for t in arr.tolist()]
            if std == "lower_and_strip_punctuation":
                texts = [t.lower().translate(_STRIP) for t in texts]
            elif std == "lower":
                texts = [t.lower() for t in texts]
            elif std == "strip_punctuation":
                texts = [t.translate(_STRIP) for t in texts]
        if callable(self.split):
            tokens = [list(t) for t in self.split(np.asarray(texts, dtype=object))]
        elif self.split == "whitespace":
            tokens = [t.split() for t in texts]
        elif self.split == "character":
            tokens = [list(t) for t in texts]
        else:
            tokens = [[t] for t in texts]
        if self._widths is not None:
            tokens = [self._ngrams(doc) for doc in tokens]
        return tokens

    def _ngrams(self, doc):
        out = []
        for n in self._widths:
            if n == 1:
                out.extend(doc)
            else:
                out.extend(" ".join(doc[i:i + n]) for i in range(len(doc) - n + 1))
        return out

    def _call_numpy(self, inputs):
        scalar = np.ndim(inputs) == 0
        docs = self._tokenize(inputs)
        lengths = np.fromiter(map(len, docs), np.int64, count=len(docs))
        ids = self._lookup_layer.lookup_ids(list(itertools.chain.from_iterable(docs)))
        if self.output_mode == "int":
            width = self.output_sequence_length
            if width is None:
                width = int(lengths.max()) if len(docs) else 0
            out = _scatter_rows(ids, lengths, width, fill=0)
        else:
            ids = np.where(ids == _DROPPED, -1, ids)
            padded = _scatter_rows(ids, lengths, int(lengths.max()) if len(docs) else 0, fill=-1)
            out = _host.encode_categorical(padded, self._lookup_layer._depth(), self.output_mode,
                                           idf_weights=self._lookup_layer.idf_weights, layer_name="TextVectorization")
        return out[0] if scalar else out

    def _output_spec(self, shape):
        batch = shape[0] if len(shape) else None
        if self.output_mode == "int":
            return (batch, self.output_sequence_length), "int64"
        depth = self._lookup_layer._depth()
        if depth <= self._lookup_layer._token_start_index() and not (self.pad_to_max_tokens and self.max_tokens):
            depth = None  # not adapted yet
        return (batch, depth), "float32"

    # -- saving --------------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        lookup = self._lookup_layer.get_config()
        config.update({
            "max_tokens": self.max_tokens, "standardize": _serialize_callable(self.standardize),
            "split": _serialize_callable(self.split), "ngrams": self.ngrams, "output_mode": self.output_mode,
            "output_sequence_length": self.output_sequence_length, "pad_to_max_tokens": self.pad_to_max_tokens,
            "sparse": False, "ragged": False, "vocabulary": lookup["vocabulary"],
            "idf_weights": lookup["idf_weights"], "encoding": self.encoding,
            "vocabulary_size": self.vocabulary_size(),
        })
        return config

    def save_assets(self, dir_path):
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path):
        self._lookup_layer.load_assets(dir_path)

    def save_own_variables(self, store):
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store):
        self._lookup_layer.load_own_variables(store)


def _scatter_rows(values, lengths, width, fill):
    """Rows of ``width`` from a flat ``values`` split by ``lengths``: cut or padded with ``fill``."""
    rows = len(lengths)
    out = np.full((rows, width), fill, np.int64)
    if values.size and width:
        starts = np.cumsum(lengths) - lengths
        position = np.arange(values.size) - np.repeat(starts, lengths)
        row = np.repeat(np.arange(rows), lengths)
        keep = position < width
        out[row[keep], position[keep]] = values[keep]
    return out
