"""``IndexLookup``: the vocabulary table behind StringLookup, IntegerLookup and TextVectorization.

Index layout (as in Keras): ``[mask] [oov * num_oov_indices] [tokens...]``. The mask slot exists
only in ``"int"`` mode; in the other modes the mask token is dropped from the encoding.
"""

import collections
import itertools
import os

import numpy as np

from lamina.layers.preprocessing import _host

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
_MODE_ALIASES = {"binary": "multi_hot", "tf-idf": "tf_idf"}
_MISSING = -1  # the dict lookup default: not in the vocabulary
_DROPPED = -2  # the mask token outside "int" mode


def standardize_output_mode(output_mode, layer_name, allowed=OUTPUT_MODES):
    mode = _MODE_ALIASES.get(output_mode, output_mode)
    if mode not in allowed:
        raise ValueError(
            f"{layer_name}: unknown `output_mode`. Expected one of {list(allowed)} (or 'binary' for "
            f"'multi_hot'). Received: output_mode={output_mode!r}"
        )
    return mode


def fingerprint_buckets(values, num_buckets):
    """FarmHash Fingerprint64 of each value (as a string) modulo ``num_buckets``."""
    from lamina.layers.preprocessing.hashing import fingerprint64

    return (fingerprint64(values) % np.uint64(num_buckets)).astype(np.int64)


def _standardize_salt(salt, layer_name):
    if salt is None:
        return None
    if isinstance(salt, (int, np.integer)) and not isinstance(salt, bool):
        return [int(salt), int(salt)]
    if isinstance(salt, (list, tuple)) and len(salt) == 2 and all(isinstance(s, (int, np.integer)) for s in salt):
        return [int(salt[0]), int(salt[1])]
    raise ValueError(f"{layer_name}: `salt` must be an integer or a pair of integers. Received: salt={salt!r}")


class VocabState:
    """Holds a lookup layer's vocabulary, its dict and the adapt counters."""

    def __init__(self):
        self.vocab, self.lookup, self.table = [], {}, None
        self.input_vocabulary = self.input_idf_weights = None


class IndexLookup(_host.HostLayer):
    """Maps tokens to indices (or back with ``invert=True``) through a vocabulary.

    Subclasses (StringLookup, IntegerLookup) fix ``vocabulary_dtype`` and convert inputs.
    """

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary_dtype, vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", sparse=False, pad_to_max_tokens=False,
                 oov_method="floormod", salt=None, **kwargs):
        kwargs.pop("vocabulary_size", None)
        super().__init__(**kwargs)
        name = type(self).__name__
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(f"{name}: `oov_method` must be 'floormod' or 'farmhash'. Received: oov_method={oov_method!r}")
        if salt is not None and vocabulary_dtype != "string" and oov_method != "farmhash":
            raise ValueError(f"{name}: `salt` can only be used with oov_method='farmhash'. "
                             f"Received: salt={salt!r}, oov_method={oov_method!r}")
        self.oov_method = oov_method
        self.salt = _standardize_salt(salt, name)
        if max_tokens is not None and (not isinstance(max_tokens, (int, np.integer)) or max_tokens <= 1):
            raise ValueError(f"{name}: `max_tokens` must be an integer greater than 1 or None. Received: max_tokens={max_tokens!r}")
        if not isinstance(num_oov_indices, (int, np.integer)) or num_oov_indices < 0:
            raise ValueError(f"{name}: `num_oov_indices` must be an integer >= 0. Received: num_oov_indices={num_oov_indices!r}")
        self.output_mode = standardize_output_mode(output_mode, name)
        if invert and self.output_mode != "int":
            raise ValueError(f"{name}: `invert=True` needs output_mode='int'. Received: output_mode={output_mode!r}")
        if sparse:
            raise ValueError(f"{name}: sparse outputs are not supported; use sparse=False. Received: sparse={sparse!r}")
        self.max_tokens = None if max_tokens is None else int(max_tokens)
        self.num_oov_indices = int(num_oov_indices)
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.vocabulary_dtype = vocabulary_dtype
        self.invert = bool(invert)
        self.sparse = False
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        # Vocabulary state lives in a plain holder: layer attribute tracking would walk big lists.
        self._st = VocabState()
        self._st.input_vocabulary = vocabulary
        self._st.input_idf_weights = idf_weights
        self.idf_weights = None
        self._reset_counts()
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        elif idf_weights is not None:
            raise ValueError(f"{name}: `idf_weights` needs a `vocabulary`. Received idf_weights without one.")
        else:
            self._rebuild_lookup()

    @property
    def input_vocabulary(self):
        return self._st.input_vocabulary

    # -- layout -----------------------------------------------------------------
    def _oov_start_index(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self):
        return self._oov_start_index() + self.num_oov_indices

    def vocabulary_size(self):
        """The number of indices, including the mask and OOV slots."""
        return self._token_start_index() + len(self._st.vocab)

    def _depth(self):
        if self.pad_to_max_tokens and self.max_tokens is not None:
            return self.max_tokens
        return self.vocabulary_size()

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary; with the special tokens, a token's position is its index."""
        tokens = list(self._st.vocab)
        if not include_special_tokens:
            return tokens
        special = [self.mask_token] * self._oov_start_index() + [self.oov_token] * self.num_oov_indices
        return special + tokens

    # -- setting the vocabulary --------------------------------------------------
    def _convert_token(self, token):
        return token

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Sets the vocabulary (a list, an array or a text file with one token per line).

        Args:
            vocabulary: the tokens, optionally starting with the mask and OOV tokens.
            idf_weights: with ``output_mode="tf_idf"``, one weight per token.
        """
        name = type(self).__name__
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError(f"{name}: output_mode='tf_idf' needs `idf_weights` along with the vocabulary.")
        if self.output_mode != "tf_idf" and idf_weights is not None:
            raise ValueError(f"{name}: `idf_weights` only apply with output_mode='tf_idf'. Received output_mode={self.output_mode!r}")
        tokens = self._read_vocabulary(vocabulary)
        special = [self.mask_token] * self._oov_start_index() + [self.oov_token] * self.num_oov_indices
        start = self._token_start_index()
        has_special = bool(special) and tokens[:start] == special
        if has_special:
            tokens = tokens[start:]
        self._check_tokens(tokens)
        idf = None
        if idf_weights is not None:
            idf = np.asarray(_host.to_numpy(idf_weights), np.float32).reshape(-1)
            if has_special and len(idf) == len(tokens) + start:
                idf = idf[start:]
            if len(idf) != len(tokens):
                raise ValueError(
                    f"{name}: `idf_weights` must have one weight per vocabulary token. Received "
                    f"{len(idf)} weights for {len(tokens)} tokens."
                )
        self._st.vocab = tokens
        self._rebuild_lookup()
        self.idf_weights = self._full_idf(idf) if idf is not None else None

    def _read_vocabulary(self, vocabulary):
        if isinstance(vocabulary, str) and os.path.exists(vocabulary):
            with open(vocabulary, encoding="utf-8") as f:
                lines = f.read().split("\n")
            while lines and lines[-1] == "":
                lines.pop()
            vocabulary = lines
        elif isinstance(vocabulary, str):
            raise ValueError(f"{type(self).__name__}: vocabulary file {vocabulary!r} does not exist.")
        arr = _host.to_numpy(vocabulary)
        if arr.ndim != 1:
            raise ValueError(f"{type(self).__name__}: the vocabulary must be 1-D. Received shape {arr.shape}.")
        return [self._convert_token(t) for t in arr.tolist()]

    def _check_tokens(self, tokens):
        name = type(self).__name__
        counts = collections.Counter(tokens)
        repeated = [t for t, c in counts.items() if c > 1]
        if repeated:
            raise ValueError(f"{name}: the vocabulary must have unique tokens. Repeated: {repeated[:10]}")
        for special, what in ((self.mask_token, "mask_token"), (self.oov_token, "oov_token")):
            if special is not None and special in counts and (what == "mask_token" or self.num_oov_indices):
                raise ValueError(
                    f"{name}: found the reserved {what} {special!r} inside the vocabulary at index "
                    f"{tokens.index(special)}; it may only appear at the start."
                )
        if self.max_tokens is not None and self._token_start_index() + len(tokens) > self.max_tokens:
            raise ValueError(
                f"{name}: the vocabulary has {self._token_start_index() + len(tokens)} entries (with special "
                f"tokens), more than max_tokens={self.max_tokens}."
            )

    def _full_idf(self, idf):
        start = self._token_start_index()
        mean = float(idf.mean()) if len(idf) else 0.0
        full = np.concatenate([np.full(start, mean, np.float32), idf.astype(np.float32)])
        if self.pad_to_max_tokens and self.max_tokens is not None:
            full = np.concatenate([full, np.zeros(self.max_tokens - len(full), np.float32)])
        return full

    def _rebuild_lookup(self):
        start = self._token_start_index()
        self._st.lookup = {t: i for i, t in enumerate(self._st.vocab, start)}
        if self.mask_token is not None:
            self._st.lookup[self._convert_token(self.mask_token)] = 0 if self.output_mode == "int" else _DROPPED
        self._st.table = None

    # -- adapt ------------------------------------------------------------------
    def _reset_counts(self):
        self._st.token_counts = collections.Counter()
        self._st.document_counts = collections.Counter()
        self._st.num_documents = 0

    def _update_counts(self, documents):
        """``documents``: a list of token lists (one per document)."""
        self._st.token_counts.update(itertools.chain.from_iterable(documents))
        if self.output_mode == "tf_idf":
            for doc in documents:
                self._st.document_counts.update(set(doc))
            self._st.num_documents += len(documents)

    def _finalize_counts(self):
        counts = self._st.token_counts
        for special in (self.mask_token, self.oov_token):
            if special is not None:
                counts.pop(self._convert_token(special), None)
        # Most frequent first; ties broken by the token, larger first (Keras's order).
        ordered = sorted(counts.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)
        if self.max_tokens is not None:
            ordered = ordered[: max(self.max_tokens - self._token_start_index(), 0)]
        self._st.vocab = [t for t, _ in ordered]
        self._rebuild_lookup()
        if self.output_mode == "tf_idf":
            doc_counts = np.array([self._st.document_counts[t] for t in self._st.vocab], np.float64)
            idf = np.log(1.0 + self._st.num_documents / (1.0 + doc_counts)).astype(np.float32)
            self.idf_weights = self._full_idf(idf)
        self._reset_counts()

    def adapt(self, data, batch_size=None, steps=None):
        """Learns the vocabulary (most frequent tokens first) from ``data``.

        Args:
            data: an array, list, generator or dataset of tokens.
            batch_size: rows per batch when ``data`` is an array.
            steps: the number of batches to read (all by default).
        """
        self._reset_counts()
        for batch in _host.iter_batches(data, batch_size, steps, type(self).__name__):
            batch = self._prepare(batch)
            docs = batch.reshape(batch.shape[0], -1) if batch.ndim > 1 else batch.reshape(-1, 1)
            self._update_counts(docs.tolist())
        self._finalize_counts()

    # -- lookup -----------------------------------------------------------------
    def _prepare(self, arr):
        """Input values in the vocabulary's Python type (subclasses convert)."""
        return arr

    def _oov_buckets(self, tokens):
        """OOV bucket of each token in ``[0, num_oov_indices)``, as TensorFlow picks it.

        Integers with ``oov_method="floormod"`` take their value modulo the bucket count; other
        tokens (integers as decimal strings) are hashed: FarmHash Fingerprint64, or SipHash-2-4
        keyed by ``salt`` when one is set.
        """
        if self.vocabulary_dtype != "string" and self.oov_method == "floormod":
            return np.mod(np.asarray(tokens, np.int64), self.num_oov_indices)
        if self.salt is None:
            return fingerprint_buckets(tokens, self.num_oov_indices)
        from lamina.layers.preprocessing.hashing import siphash64

        return (siphash64(tokens, self.salt) % np.uint64(self.num_oov_indices)).astype(np.int64)

    def lookup_ids(self, flat_tokens):
        """Indices of a flat list of tokens (mask -> 0 or dropped, OOV -> its bucket)."""
        ids = np.fromiter(map(self._st.lookup.get, flat_tokens, itertools.repeat(_MISSING)), np.int64,
                          count=len(flat_tokens))
        missing = ids == _MISSING
        if missing.any():
            if self.num_oov_indices == 0:
                unknown = [flat_tokens[i] for i in np.flatnonzero(missing)[:5]]
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': found out-of-vocabulary tokens {unknown} with "
                    "num_oov_indices=0. Set num_oov_indices>=1 to map them to an OOV index."
                )
            start = self._oov_start_index()
            if self.num_oov_indices == 1:
                ids[missing] = start
            else:
                oov = [flat_tokens[i] for i in np.flatnonzero(missing)]
                ids[missing] = start + self._oov_buckets(oov)
        return ids

    def _invert(self, ids):
        if self._st.table is None:
            vocab = self.get_vocabulary()
            self._st.table = np.array(vocab, dtype=object if self.vocabulary_dtype == "string" else np.int64)
        ids = np.asarray(ids).astype(np.int64)
        valid = (ids >= 0) & (ids < len(self._st.table))
        out = self._st.table[np.where(valid, ids, 0)] if len(self._st.table) else np.empty(ids.shape, self._st.table.dtype)
        out = np.where(valid, out, self.oov_token)
        return out.astype(str) if self.vocabulary_dtype == "string" else out.astype(np.int64)

    def _call_numpy(self, inputs):
        if self.invert:
            return self._invert(inputs)
        inputs = self._prepare(inputs)
        ids = self.lookup_ids(inputs.reshape(-1).tolist()).reshape(inputs.shape)
        if self.output_mode == "int":
            return ids
        return _host.encode_categorical(np.where(ids == _DROPPED, -1, ids), self._depth(), self.output_mode,
                                        idf_weights=self.idf_weights, layer_name=type(self).__name__)

    def _output_spec(self, shape):
        if self.invert:
            return tuple(shape), ("string" if self.vocabulary_dtype == "string" else "int64")
        if self.output_mode == "int":
            return tuple(shape), "int64"
        depth = self._depth()
        if self.output_mode == "one_hot":
            lead = tuple(shape[:-1]) if len(shape) > 1 and shape[-1] == 1 else tuple(shape)
        else:
            lead = tuple(shape[:-1]) if len(shape) >= 1 else ()
        return lead + (depth,), "float32"

    def call(self, inputs):
        result = self._call_numpy(_host.to_numpy(inputs))
        if result.dtype.kind in "UO":
            return result
        return _host.to_backend(result, self._output_spec(result.shape)[1])

    # -- saving -----------------------------------------------------------------
    def get_config(self):
        vocab = self._st.input_vocabulary
        if vocab is not None and not isinstance(vocab, str):
            vocab = [v.item() if isinstance(v, np.generic) else v for v in _host.to_numpy(vocab).tolist()]
        idf = self._st.input_idf_weights
        if idf is not None:
            idf = np.asarray(_host.to_numpy(idf), np.float32).tolist()
        config = super().get_config()
        config.update({
            "invert": self.invert, "max_tokens": self.max_tokens, "num_oov_indices": self.num_oov_indices,
            "oov_token": self.oov_token, "mask_token": self.mask_token, "output_mode": self.output_mode,
            "sparse": self.sparse, "pad_to_max_tokens": self.pad_to_max_tokens, "vocabulary": vocab,
            "idf_weights": idf, "vocabulary_dtype": self.vocabulary_dtype, "oov_method": self.oov_method,
            "salt": self.salt,
        })
        return config

    def save_assets(self, dir_path):
        """Writes an adapted vocabulary to ``dir_path/vocabulary.txt`` (one token per line)."""
        if self._st.input_vocabulary is not None:
            return  # the vocabulary is in the config
        with open(os.path.join(dir_path, "vocabulary.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(str(t) for t in self.get_vocabulary()))

    def load_assets(self, dir_path):
        """Reads the vocabulary written by ``save_assets``."""
        if self._st.input_vocabulary is not None:
            return
        path = os.path.join(dir_path, "vocabulary.txt")
        tokens = self._read_vocabulary(path) if os.path.exists(path) else []
        start = self._token_start_index()
        self._st.vocab = tokens[start:] if len(tokens) >= start else []
        self._rebuild_lookup()

    def save_own_variables(self, store):
        if self.output_mode == "tf_idf" and self.idf_weights is not None:
            store["idf_weights"] = np.asarray(self.idf_weights, np.float32)

    def load_own_variables(self, store):
        if self.output_mode == "tf_idf" and "idf_weights" in store:
            self.idf_weights = np.asarray(store["idf_weights"], np.float32)
