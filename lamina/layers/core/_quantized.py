"""Quantization of the layers with one big weight: Dense, EinsumDense (kernel) and Embedding.

``layer.quantize(mode)`` replaces the float weight ``W`` by Keras 3's quantized variables,
with Keras's names, shapes, dtypes and saving order, so quantized files move both ways:

- ``"int8"``: ``W`` becomes int8 with a float ``<weight>_scale`` per output channel
  (``W ≈ q / scale``). A kernel layer also quantizes its inputs per row (``AbsMaxQuantizer``)
  and multiplies int8 by int8 in int32, then divides by both scales.
- ``"int4"``: values in ``[-8, 7]`` packed two per byte. With ``block_size`` (default 128)
  each group of rows has its own scale and zero point (``<weight>_zero``, ``g_idx``);
  with ``block_size=None`` or -1 one symmetric scale per channel.
- ``"float8"`` (kernel layers): the float kernel stays and the layer trains with inputs and
  kernel rounded to float8_e4m3fn and output gradients to float8_e5m2, each scaled from an
  amax history; the scales and histories are variables the optimizer overwrites with their
  "gradients" (``overwrite_with_gradient``), as in Keras.

The weight's gradient is not defined in int modes (it stays frozen); the inputs' gradient
uses the dequantized weight, so layers before a quantized one and a LoRA on it can train.

A layer using this mixin defines the hooks of ``KernelQuantization`` or
``EmbeddingQuantization`` below and calls ``_init_quantization``, ``_build_quantized`` and
``_quantized_output``.
"""

import math

import numpy as np

from lamina import backend, dtype_policies, ops, quantizers
from lamina.layers import _tracking
from lamina.quantizers.quantization_config import (Int4QuantizationConfig, QuantizationConfig,
                                                   validate_and_resolve_config)


def _config_from(value, where):
    if value is None or isinstance(value, QuantizationConfig):
        return value
    if isinstance(value, dict) and "class_name" in value:
        return quantizers.deserialize(value)
    raise ValueError(f"{where}: expected a QuantizationConfig (e.g. lamina.quantizers.Int8QuantizationConfig()) "
                     f"or None for quantization_config. Received: quantization_config={value!r}")


class QuantizedMixin:
    """What the three quantizable layers share: ``quantize``, the variables, saving and config."""

    _quantization_modes = ("int8", "int4", "float8")
    # Variables written to a weights file, in order, per mode (Keras's variable_serialization_spec);
    # names missing on the layer (no bias, per-channel int4) are skipped.
    _serialization_spec = {}

    def _init_quantization(self, quantization_config):
        self.quantization_config = _config_from(quantization_config, f"{type(self).__name__} layer '{self.name}'")
        policy_mode = self.dtype_policy.quantization_mode
        if self.quantization_config is not None and policy_mode and self.quantization_config.mode != policy_mode:
            raise ValueError(f"{type(self).__name__} layer '{self.name}': quantization_config is for mode "
                             f"{self.quantization_config.mode!r} but the dtype policy is {self.dtype_policy.name!r}.")
        self._set_untracked(_is_quantized=False, inputs_quantizer=None, _int4_block_size=None)

    def _where(self):
        return f"{type(self).__name__} layer '{self.name}'"

    # -- quantize ---------------------------------------------------------------------------
    def quantize(self, mode=None, type_check=True, config=None):
        """Quantizes the layer's weight in place (see ``lamina.quantizers``).

        Args:
            mode: ``"int8"``, ``"int4"`` or ``"float8"`` (Embedding: int8 and int4); optional
                when ``config`` is given.
            type_check: refuse subclasses (their ``call`` may not use the quantized weight).
            config: a ``QuantizationConfig`` for custom quantizers or the int4 ``block_size``.

        Example:
            >>> layer = lamina.layers.Dense(3)
            >>> layer.build((None, 4))
            >>> layer.quantize("int8")
            >>> layer.dtype_policy
            <QuantizedDTypePolicy "int8_from_float32">
        """
        where = self._where()
        if config is None and mode == "int4" and isinstance(self.dtype_policy, dtype_policies.Int4DTypePolicy):
            block = self.dtype_policy.block_size
            config = Int4QuantizationConfig(block_size=None if block == -1 else block)
        config = validate_and_resolve_config(mode, config, where=f"{where}.quantize")
        mode = config.mode
        if type_check and not type(self).__dict__.get("_quantizable_class", False):
            raise NotImplementedError(f"Layer {type(self).__name__} does not have a `quantize` method implemented "
                                      "(a subclass of a quantizable layer must pass type_check=False).")
        if mode not in self._quantization_modes:
            raise NotImplementedError(f"{where} cannot be quantized with mode={mode!r}. Expected one of "
                                      f"{self._quantization_modes}.")
        if not self.built:
            raise ValueError(f"{where}: cannot quantize a layer that isn't built. Call it on data or call "
                             "build(input_shape) first.")
        if self._is_quantized:
            raise ValueError(f"{where} is already quantized with dtype_policy='{self.dtype_policy.name}'. "
                             f"Received: mode={mode}")
        if mode == "int8" and self.compute_dtype == "float16":
            raise ValueError(f"{where}: quantization mode='int8' doesn't work well with compute_dtype='float16'; "
                             "use the 'mixed_bfloat16' or 'float32' policy.")
        if mode == "float8" and getattr(self, "lora_enabled", False):
            raise NotImplementedError(f"{where}: float8 quantization does not support LoRA (lora_enabled=True).")
        self.quantization_config = config
        target = self._lora_target
        if mode == "float8":
            self._build_float8()
        else:
            values = self._quantize_float_weight(getattr(self, "_" + target), mode, config)
            old = getattr(self, "_" + target)
            self._own_variables[:] = [v for v in self._own_variables if v is not old]
            self._regularized[:] = [v for v in self._regularized if v is not old]
            self._build_quantized(tuple(old.shape), mode, config)
            for name, value in values.items():
                getattr(self, name).assign(value)
        self._is_quantized = True
        if self.dtype_policy.quantization_mode is None:
            name = mode if mode != "int4" else f"int4/{-1 if self._int4_block_size is None else self._int4_block_size}"
            self._set_policy(dtype_policies.get(f"{name}_from_{self.dtype_policy.name}"))
        _tracking.bump()

    def _set_policy(self, policy):
        object.__setattr__(self, "_dtype_policy", policy)

    def _block_size(self, config):
        """The int4 block size: the config's, else the policy's (None for per-channel)."""
        if isinstance(config, Int4QuantizationConfig):
            block = config.block_size
        elif isinstance(self.dtype_policy, dtype_policies.Int4DTypePolicy):
            block = self.dtype_policy.block_size
        else:
            block = None
        return None if block in (None, -1) else block

    def _build_quantized(self, weight_shape, mode, config):
        """Creates the int8/int4 variables (``weight_shape`` is the float weight's)."""
        target = self._lora_target
        self._is_quantized = True
        if mode == "int8":
            self.inputs_quantizer = QuantizationConfig.activation_quantizer_or_default(
                config, self._default_inputs_quantizer())
            setattr(self, "_" + target, self.add_weight(name=target, shape=weight_shape, initializer="zeros",
                                                        dtype="int8", trainable=False))
            setattr(self, f"{target}_scale", self.add_weight(name=f"{target}_scale", shape=self._int8_scale_shape(),
                                                              initializer="ones", trainable=False))
            return
        self.inputs_quantizer = QuantizationConfig.activation_quantizer_or_default(config, None)
        rows, cols = self._int4_matrix_shape(weight_shape)
        block = self._int4_block_size = self._block_size(config)
        setattr(self, "_" + target, self.add_weight(name=target, shape=self._int4_packed_shape(rows, cols),
                                                    initializer="zeros", dtype="int8", trainable=False))
        scale_shape = self._int4_scale_shape(rows, cols, block)
        setattr(self, f"{target}_scale", self.add_weight(name=f"{target}_scale", shape=scale_shape,
                                                          initializer="ones", trainable=False))
        if block is not None:
            setattr(self, f"{target}_zero", self.add_weight(name=f"{target}_zero", shape=scale_shape,
                                                             initializer="zeros", dtype="int8", trainable=False))
            length = self._int4_grouped_length(rows, cols)
            self.g_idx = self.add_weight(name="g_idx", shape=(length,), initializer="zeros", dtype="float32",
                                         trainable=False)
            self.g_idx.assign(np.arange(length, dtype="float32") // block)

    def _build_float8(self):
        history = getattr(self.dtype_policy, "amax_history_length",
                          dtype_policies.QuantizedFloat8DTypePolicy.default_amax_history_length)
        # trainable, so that the custom gradient can hand their new values to the optimizer
        common = {"dtype": "float32", "trainable": True, "autocast": False, "overwrite_with_gradient": True}
        for prefix in ("inputs", "kernel", "outputs_grad"):
            setattr(self, f"{prefix}_scale", self.add_weight(name=f"{prefix}_scale", shape=(), initializer="ones",
                                                              **common))
            setattr(self, f"{prefix}_amax_history", self.add_weight(name=f"{prefix}_amax_history", shape=(history,),
                                                                     initializer="zeros", **common))
        self._is_quantized = True

    # -- the math, written once for quantize, calls and LoRA merging --------------------------
    def _quantize_float_weight(self, weight, mode, config):
        """``{attribute: value}`` of the quantized variables for the float ``weight``."""
        target = self._lora_target
        if mode == "int8":
            quantizer = QuantizationConfig.weight_quantizer_or_default(
                config, quantizers.AbsMaxQuantizer(axis=self._int8_reduced_axes(tuple(weight.shape))))
            q, scale = quantizer(weight, to_numpy=True)
            return {"_" + target: q, f"{target}_scale": self._int8_scale_from_kept(scale)}
        shape = tuple(weight.shape)
        rows, cols = self._int4_matrix_shape(shape)
        matrix = ops.reshape(weight, (rows, cols))
        block = self._block_size(config)
        values = {}
        if block is None:
            quantizer = QuantizationConfig.weight_quantizer_or_default(
                config, quantizers.AbsMaxQuantizer(axis=self._int4_axis, value_range=(-8, 7), output_dtype="int8"))
            q, scale = quantizer(matrix, to_numpy=True)
            values[f"{target}_scale"] = ops.squeeze(scale, axis=self._int4_axis)
        elif self._int4_axis == 0:
            q, values[f"{target}_scale"], values[f"{target}_zero"] = \
                quantizers.abs_max_quantize_grouped_with_zero_point(matrix, block_size=block, to_numpy=True)
        else:  # groups along the columns: quantize the transpose
            q, scale, zero = quantizers.abs_max_quantize_grouped_with_zero_point(
                ops.transpose(matrix), block_size=block, to_numpy=True)
            q, values[f"{target}_scale"], values[f"{target}_zero"] = (ops.transpose(t) for t in (q, scale, zero))
        values["_" + target] = quantizers.pack_int4(q, axis=-1)[0]
        return values

    def _dequantized_weight(self):
        """The float weight the quantized variables stand for, in its original shape."""
        target = self._lora_target
        return self._dequantize(getattr(self, "_" + target), getattr(self, f"{target}_scale"),
                                getattr(self, f"{target}_zero", None), getattr(self, "g_idx", None))

    def _dequantize(self, q, scale, zero=None, g_idx=None):
        """``_dequantized_weight`` from given values (a custom gradient passes its own arguments)."""
        if self.quantization_mode == "int8":
            return ops.divide(ops.cast(q, self.compute_dtype), self._int8_scale_for_weight(scale))
        shape = self._float_weight_shape()
        rows, cols = self._int4_matrix_shape(shape)
        unpacked = quantizers.unpack_int4(q, cols, axis=-1)
        if self._int4_block_size is None:
            scale = ops.expand_dims(scale, self._int4_axis)
            matrix = ops.divide(ops.cast(unpacked, self.compute_dtype), scale)
        else:
            matrix = quantizers.dequantize_with_sz_map(unpacked, scale, zero, g_idx,
                                                       group_axis=0 if self._int4_axis == 0 else -1)
        return ops.reshape(ops.cast(matrix, self.compute_dtype), shape)

    def _float_weight_shape(self):
        return self._quantized_weight_shape

    def _lora_weight_shape(self):
        if self.quantization_mode in ("int8", "int4"):
            return tuple(self._float_weight_shape())
        return super()._lora_weight_shape()

    def _lora_effective(self):
        # As in Keras: a quantized layer's `kernel` / `embeddings` is the stored int8 values
        # (int4 ones unpacked to the float weight's shape).
        mode = self.quantization_mode
        if mode == "int8":
            return getattr(self, "_" + self._lora_target)
        if mode == "int4":
            shape = self._float_weight_shape()
            cols = self._int4_matrix_shape(shape)[1]
            return ops.reshape(quantizers.unpack_int4(getattr(self, "_" + self._lora_target), cols, axis=-1), shape)
        return super()._lora_effective()

    # -- saving: Keras's order; LoRA merged into the weight and quantized again ----------------
    def _saved_variables(self):
        mode = self.quantization_mode
        if not self.built or mode is None:
            return super()._saved_variables()
        names = self._serialization_spec[mode]
        return [getattr(self, name) for name in names if getattr(self, name, None) is not None]

    def save_own_variables(self, store):
        mode = self.quantization_mode
        if not self.built or mode is None:
            return super().save_own_variables(store)
        values = {}
        if getattr(self, "lora_enabled", False) and mode in ("int8", "int4"):
            merged = ops.add(self._dequantized_weight(), self._lora_delta())
            values = self._quantize_float_weight(merged, mode, self.quantization_config)
        for i, variable in enumerate(self._saved_variables()):
            name = next(n for n in self._serialization_spec[mode] if getattr(self, n, None) is variable)
            value = values.get(name, variable.value)
            store[str(i)] = np.asarray(backend.convert_to_numpy(value)).astype(variable.dtype, copy=False)

    def _lora_delta(self):
        a, b = (getattr(self, f"lora_{self._lora_target}_{s}") for s in "ab")
        return ops.multiply(ops.matmul(a, b), self.lora_alpha / self.lora_rank)

    def _quantized_config(self):
        from lamina.saving import serialization_lib

        return serialization_lib.serialize_keras_object(self.quantization_config)


class KernelQuantization(QuantizedMixin):
    """Quantization hooks of Dense (the defaults here) and EinsumDense (which overrides them)."""

    _int4_axis = 0  # int4 groups and per-channel scales run down the rows (the contracted axis)
    _serialization_spec = {
        "int8": ["_kernel", "bias", "kernel_scale"],
        "int4": ["_kernel", "bias", "kernel_scale", "kernel_zero", "g_idx"],
        "float8": ["_kernel", "bias", "inputs_scale", "inputs_amax_history", "kernel_scale", "kernel_amax_history",
                   "outputs_grad_scale", "outputs_grad_amax_history"],
    }

    # Dense: the kernel is (input_dim, units); the contraction is a matmul over the last axis.
    def _default_inputs_quantizer(self):
        return quantizers.AbsMaxQuantizer()

    def _int8_reduced_axes(self, kernel_shape):
        return 0

    def _int8_scale_shape(self):
        return (self.units,)

    def _int8_scale_from_kept(self, scale):
        return ops.squeeze(scale, axis=0)

    def _int8_scale_for_weight(self, scale):
        return scale

    def _inputs_quantized(self, inputs):
        q, scale = self.inputs_quantizer(inputs, axis=-1)
        return q, scale

    def _contract(self, inputs, kernel):
        return ops.matmul(inputs, kernel)

    def _contract_int8(self, inputs, kernel):
        return quantizers.quantizers.int8_matmul(inputs, kernel)

    def _inputs_grad(self, upstream, float_kernel):
        return ops.matmul(upstream, ops.transpose(float_kernel))

    def _int4_matrix_shape(self, shape):
        rows = math.prod(shape[a] for a in self._kernel_reduced_axes(shape))
        return rows, math.prod(shape) // rows

    def _kernel_reduced_axes(self, shape):
        return (0,)

    def _int4_packed_shape(self, rows, cols):
        return (rows, (cols + 1) // 2)

    def _int4_scale_shape(self, rows, cols, block):
        return (cols,) if block is None else (math.ceil(rows / block), cols)

    def _int4_grouped_length(self, rows, cols):
        return rows

    # -- calls ------------------------------------------------------------------------------
    def _quantized_output(self, inputs, training=None):
        """The layer's product of ``inputs`` and its weight, before the bias, in the quantized mode."""
        mode = self.quantization_mode
        if mode == "float8":
            return self._float8_output(inputs, training)
        kernel = ops.convert_to_tensor(self._kernel)
        scales = [ops.convert_to_tensor(self.kernel_scale)]
        if mode == "int4" and self._int4_block_size is not None:
            scales += [ops.convert_to_tensor(self.kernel_zero), ops.convert_to_tensor(self.g_idx)]

        @ops.custom_gradient
        def product(x, kernel, *scales):
            def grad(upstream):
                weight = self._dequantize(kernel, *scales)
                return (self._inputs_grad(upstream, weight),) + (None,) * (1 + len(scales))

            if mode == "int8" and self.inputs_quantizer is not None:
                q, inputs_scale = self._inputs_quantized(x)
                y = self._contract_int8(q, kernel)
                divisor = ops.multiply(self._int8_scale_for_output(scales[0]), self._input_scale_for_output(inputs_scale))
                return ops.divide(ops.cast(y, self.compute_dtype), divisor), grad
            if mode == "int8":
                y = self._contract(x, ops.cast(kernel, self.compute_dtype))
                return ops.divide(y, self._int8_scale_for_output(scales[0])), grad
            if self.inputs_quantizer is not None:  # int4 per channel with an activation quantizer
                q, inputs_scale = self._inputs_quantized(x)
                y = self._contract(ops.cast(q, self.compute_dtype), self._dequantize(kernel, *scales))
                return ops.divide(y, self._input_scale_for_output(inputs_scale)), grad
            return self._contract(x, self._dequantize(kernel, *scales)), grad

        outputs = product(inputs, kernel, *scales)
        if getattr(self, "lora_enabled", False):
            lora = ops.matmul(self._contract(inputs, self.lora_kernel_a), self.lora_kernel_b)
            outputs = ops.cast(ops.add(outputs, ops.multiply(lora, self.lora_alpha / self.lora_rank)),
                               self.compute_dtype)
        return outputs

    def _int8_scale_for_output(self, scale):
        return scale

    def _input_scale_for_output(self, scale):
        return scale

    def _float8_output(self, inputs, training):
        e4m3_max, e5m2_max = 448.0, 57344.0
        compute_dtype = self.compute_dtype

        def qdq_forward(value, scale, history):
            @ops.custom_gradient
            def qdq(x, scale, history):
                if training:
                    new_scale = quantizers.compute_float8_scale(ops.max(history, axis=0), scale, e4m3_max)
                    new_history = quantizers.compute_float8_amax_history(x, history)
                else:
                    new_scale = new_history = None

                def grad(upstream):
                    return upstream, new_scale, new_history

                return quantizers.quantize_and_dequantize(x, scale, "float8_e4m3fn", compute_dtype), grad

            return qdq(value, ops.convert_to_tensor(scale), ops.convert_to_tensor(history))

        @ops.custom_gradient
        def qdq_backward(y, scale, history):
            def grad(upstream):
                new_scale = quantizers.compute_float8_scale(ops.max(history, axis=0), scale, e5m2_max)
                q = quantizers.quantize_and_dequantize(upstream, scale, "float8_e5m2", compute_dtype)
                return q, new_scale, quantizers.compute_float8_amax_history(upstream, history)

            return y, grad

        y = self._contract(qdq_forward(inputs, self.inputs_scale, self.inputs_amax_history),
                           qdq_forward(ops.convert_to_tensor(self._kernel), self.kernel_scale,
                                       self.kernel_amax_history))
        return qdq_backward(y, ops.convert_to_tensor(self.outputs_grad_scale),
                            ops.convert_to_tensor(self.outputs_grad_amax_history))

    def _quantized_bias(self):
        # Keras rounds a float32 bias through bfloat16 in float8 mode (for XLA's fused bias-add).
        if self.quantization_mode == "float8" and self.compute_dtype == "float32":
            return ops.cast(ops.cast(self.bias, "bfloat16"), "float32")
        return self.bias


class EmbeddingQuantization(QuantizedMixin):
    """Quantization hooks of Embedding: a scale per row (per token), groups along the vector."""

    _quantization_modes = ("int8", "int4")
    _int4_axis = 1
    _serialization_spec = {
        "int8": ["_embeddings", "embeddings_scale"],
        "int4": ["_embeddings", "embeddings_scale", "embeddings_zero", "g_idx"],
    }

    def _default_inputs_quantizer(self):
        return None

    def _int8_reduced_axes(self, shape):
        return -1

    def _int8_scale_shape(self):
        return (self.input_dim,)

    def _int8_scale_from_kept(self, scale):
        return ops.squeeze(scale, axis=-1)

    def _int8_scale_for_weight(self, scale):
        return ops.expand_dims(scale, -1)

    def _int4_matrix_shape(self, shape):
        return tuple(shape)

    def _int4_packed_shape(self, rows, cols):
        return (rows, (cols + 1) // 2)

    def _int4_scale_shape(self, rows, cols, block):
        return (rows,) if block is None else (rows, math.ceil(cols / block))

    def _int4_grouped_length(self, rows, cols):
        return cols

    def _quantized_output(self, inputs, training=None):
        """Looks up ``inputs`` in the quantized table and dequantizes only the rows taken."""
        if backend.standardize_dtype(inputs.dtype) not in ("int32", "int64"):
            inputs = ops.cast(inputs, "int32")
        scale = ops.take(self.embeddings_scale, inputs, axis=0)
        if self.quantization_mode == "int8":
            rows = ops.take(self._embeddings, inputs, axis=0)
            outputs = ops.divide(ops.cast(rows, self.compute_dtype), ops.expand_dims(scale, -1))
        else:
            table = quantizers.unpack_int4(self._embeddings, self.output_dim, axis=-1)
            rows = ops.cast(ops.take(table, inputs, axis=0), self.compute_dtype)
            if self._int4_block_size is None:
                outputs = ops.divide(rows, ops.expand_dims(scale, -1))
            else:
                zero = ops.take(self.embeddings_zero, inputs, axis=0)
                outputs = quantizers.dequantize_with_sz_map(rows, scale, zero, self.g_idx, group_axis=-1)
        if getattr(self, "lora_enabled", False):
            lora = ops.matmul(ops.take(self.lora_embeddings_a, inputs, axis=0), self.lora_embeddings_b)
            outputs = ops.cast(ops.add(outputs, ops.multiply(lora, self.lora_alpha / self.lora_rank)),
                               self.compute_dtype)
        return outputs


def quantize_layers(model, mode, config, filters, type_check=True):
    """``Model.quantize``: quantizes each leaf layer passing ``filters``; returns whether any changed."""
    import re
    import warnings

    if filters is not None and not isinstance(filters, (str, list, tuple)) and not callable(filters):
        raise ValueError(f"Model.quantize of '{model.name}': `filters` must be a regex string, a list of them or "
                         f"a callable. Received: {type(filters).__name__}")
    if not model.built:
        raise ValueError(f"Model.quantize of '{model.name}': the model must be built first (call it on data or "
                         "call build(input_shape)).")

    def selected(layer):
        if filters is None:
            return True
        if isinstance(filters, str):
            return re.search(filters, layer.name) is not None
        if isinstance(filters, (list, tuple)):
            return any(re.search(f, layer.name) for f in filters)
        return bool(filters(layer))

    changed = False
    for layer in model._flatten_layers():
        if layer._layers or not selected(layer):
            continue
        try:
            layer.quantize(mode, type_check=type_check, config=config)
            changed = True
        except NotImplementedError as e:
            if isinstance(layer, QuantizedMixin):  # e.g. float8 on an Embedding: Keras warns and goes on
                warnings.warn(str(e), stacklevel=3)
    return changed
