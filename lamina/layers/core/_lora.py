"""LoRA (low-rank adaptation) for layers with one big weight: Dense, EinsumDense, Embedding.

``enable_lora(rank)`` freezes the weight ``W`` and adds two trainable factors ``a`` (shape
``W.shape[:-1] + (rank,)``) and ``b`` (``(rank, W.shape[-1])``); the layer then computes with
``W + (lora_alpha / rank) * a @ b``. As in Keras 3, the weights file holds the merged ``W``
(so it loads into a layer without LoRA), and loading into a LoRA layer resets ``a`` and
``b`` to zero (the merged ``W`` already carries their effect).

A layer using this mixin stores its weight Variable as ``self._<name>`` (``_kernel`` or
``_embeddings``), exposes ``<name>`` as a property returning ``self._lora_effective()``,
and sets three class attributes: ``_lora_target`` (``"kernel"`` / ``"embeddings"``),
``_lora_constraint`` (the attribute holding the weight's constraint) and
``_lora_regularizer`` (the one holding its regularizer, also applied to the factors).
"""

import numpy as np

from lamina import backend, initializers, ops
from lamina.layers import _tracking


def check_lora_args(layer_name, cls_name, lora_rank, lora_alpha):
    """Validates the constructor's ``lora_rank`` and ``lora_alpha``."""
    if lora_rank is not None:
        _check_rank(layer_name, cls_name, lora_rank, "lora_rank")
    if lora_alpha is not None and (isinstance(lora_alpha, bool) or not isinstance(lora_alpha, (int, float))
                                   or lora_alpha <= 0):
        raise ValueError(f"{cls_name} layer '{layer_name}': expected a positive number or None for lora_alpha. "
                         f"Received: lora_alpha={lora_alpha!r}")
    if lora_alpha is not None and lora_rank is None:
        raise ValueError(f"{cls_name} layer '{layer_name}': lora_alpha has no effect without lora_rank (pass both, "
                         f"or call enable_lora(rank, lora_alpha=...)). Received: lora_alpha={lora_alpha!r}, "
                         f"lora_rank=None")


def _check_rank(layer_name, cls_name, rank, arg):
    if isinstance(rank, bool) or not isinstance(rank, int) or rank <= 0:
        raise ValueError(f"{cls_name} layer '{layer_name}': expected a positive integer for {arg}. "
                         f"Received: {arg}={rank!r}")


class LoRAMixin:
    """Adds ``enable_lora``, LoRA-aware saving and the LoRA config keys to a layer."""

    _lora_target = "kernel"
    _lora_constraint = "kernel_constraint"
    _lora_regularizer = "kernel_regularizer"

    def _init_lora(self, lora_rank, lora_alpha):
        check_lora_args(self.name, type(self).__name__, lora_rank, lora_alpha)
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False

    def _build_lora(self):
        """Called at the end of ``build``: a ``lora_rank`` given to the constructor takes effect here."""
        if self.lora_rank and not self.lora_enabled:
            self.enable_lora(self.lora_rank, lora_alpha=self.lora_alpha)

    def enable_lora(self, rank, lora_alpha=None, a_initializer="he_uniform", b_initializer="zeros"):
        """Freezes the layer's weight and adds the trainable low-rank factors.

        Args:
            rank: the rank of the update ``a @ b``.
            lora_alpha: scales the update by ``lora_alpha / rank`` (default: ``rank``, scale 1).
            a_initializer / b_initializer: initializers of the two factors; with ``b`` zero the
                layer's output is unchanged until training moves the factors.

        Example:
            >>> layer = lamina.layers.Dense(4)
            >>> layer.build((None, 8))
            >>> layer.enable_lora(2)
            >>> [w.path for w in layer.trainable_weights]
            ['dense/bias', 'dense/lora_kernel_a', 'dense/lora_kernel_b']
        """
        cls_name, target = type(self).__name__, self._lora_target
        _check_rank(self.name, cls_name, rank, "rank")
        if getattr(self, self._lora_constraint) is not None:
            raise ValueError(f"{cls_name} layer '{self.name}': LoRA cannot be enabled on a layer with a "
                             f"{self._lora_constraint} (the constrained weight is frozen). Received: "
                             f"{self._lora_constraint}={getattr(self, self._lora_constraint)!r}")
        if not self.built:
            raise ValueError(f"{cls_name} layer '{self.name}': cannot enable LoRA before the layer is built. "
                             f"Call the layer on data or call build(input_shape) first.")
        if self.lora_enabled:
            raise ValueError(f"{cls_name} layer '{self.name}': LoRA is already enabled (lora_rank="
                             f"{self.lora_rank}); it can be enabled only once.")
        weight = getattr(self, "_" + target)
        shape = self._lora_weight_shape()
        regularizer = getattr(self, self._lora_regularizer)
        # float32 factors: their small updates would underflow in a float16 weight.
        a = self.add_weight(name=f"lora_{target}_a", shape=shape[:-1] + (rank,),
                            initializer=initializers.get(a_initializer), dtype="float32", regularizer=regularizer)
        b = self.add_weight(name=f"lora_{target}_b", shape=(rank, shape[-1]),
                            initializer=initializers.get(b_initializer), dtype="float32", regularizer=regularizer)
        setattr(self, f"lora_{target}_a", a)
        setattr(self, f"lora_{target}_b", b)
        weight.trainable = False
        self.lora_enabled = True
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank
        _tracking.bump()

    def _lora_weight_shape(self):
        """The shape of the weight the factors' product adds to (a quantized layer's float shape)."""
        return tuple(getattr(self, "_" + self._lora_target).shape)

    def _lora_effective(self):
        """The weight the layer computes with: the Variable itself, or ``W + scale * a @ b``."""
        if not self.built:
            raise AttributeError(f"{type(self).__name__} layer '{self.name}': build the layer before reading "
                                 f"`{self._lora_target}`.")
        weight = getattr(self, "_" + self._lora_target)
        if not self.lora_enabled:
            return weight
        a, b = (getattr(self, f"lora_{self._lora_target}_{s}") for s in "ab")
        delta = ops.multiply(ops.matmul(a, b), self.lora_alpha / self.lora_rank)
        return ops.cast(ops.add(ops.cast(weight, "float32"), delta), self.compute_dtype)

    # -- saving: the merged weight, in Keras 3's order (weight, then bias) ----------------------
    def _saved_variables(self):
        """What the weights file holds, in order; ``h5_store`` checks a file against it before loading."""
        if not self.built:
            return []
        bias = getattr(self, "bias", None)
        weight = getattr(self, "_" + self._lora_target)
        return [weight] if bias is None else [weight, bias]

    def save_own_variables(self, store):
        """Writes the weight (merged with the LoRA update, in the weight's dtype), then the bias."""
        if not self.built:
            return
        weight, *rest = self._saved_variables()
        store["0"] = backend.convert_to_numpy(ops.cast(self._lora_effective(), weight.dtype))
        for i, variable in enumerate(rest, start=1):
            store[str(i)] = backend.convert_to_numpy(variable.value)

    def load_own_variables(self, store):
        """Reads what ``save_own_variables`` wrote (or Keras 3 wrote); checks every value first."""
        if not self.built:
            return
        variables = self._saved_variables()
        where = f"'{getattr(store, 'path', '')}/vars'"
        if len(store) != len(variables):
            raise ValueError(f"{type(self).__name__} layer '{self.name}' expected {len(variables)} saved values "
                             f"{[v.path for v in variables]}, but the store at {where} has {len(store)}.")
        values = [np.asarray(store[str(i)]) for i in range(len(variables))]
        for variable, value in zip(variables, values):
            if tuple(value.shape) != tuple(variable.shape):
                raise ValueError(f"{type(self).__name__} layer '{self.name}': weight '{variable.path}' has shape "
                                 f"{tuple(variable.shape)}, but the saved value at {where} has shape "
                                 f"{tuple(value.shape)}.")
        for variable, value in zip(variables, values):
            variable.assign(value)
        if self.lora_enabled:  # the merged weight already includes the factors' update
            for s in "ab":
                factor = getattr(self, f"lora_{self._lora_target}_{s}")
                factor.assign(ops.zeros(factor.shape, factor.dtype))

    def _lora_config(self):
        config = {"quantization_config": self._quantized_config()}
        if self.lora_rank:
            config.update(lora_rank=self.lora_rank, lora_alpha=self.lora_alpha)
        return config
