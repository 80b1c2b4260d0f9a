"""EinsumDense: a dense layer written as an einsum equation between the input and a kernel."""

import re

from lamina import activations, constraints, initializers, ops, regularizers
from lamina.quantizers import quantizers
from lamina.layers.core._lora import LoRAMixin
from lamina.layers.core._quantized import KernelQuantization
from lamina.layers.core._quantized_einsum import EinsumScaleLayout
from lamina.layers.layer import Layer

_PLAIN = re.compile(r"^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$")
_LEFT = re.compile(r"^\.\.\.([a-zA-Z]+),([a-zA-Z]+)->\.\.\.([a-zA-Z]+)$")
_RIGHT = re.compile(r"^([a-zA-Z]{2,})\.\.\.,([a-zA-Z]+)->([a-zA-Z]{2,})\.\.\.$")


def analyze_einsum(layer_name, equation, bias_axes, input_shape, output_shape):
    """Returns ``(kernel_shape, bias_shape, full_output_shape)`` for an EinsumDense equation.

    ``output_shape`` excludes the batch axis (and elided ``...`` axes), as in Keras.
    """
    for pattern, left in ((_PLAIN, False), (_LEFT, True), (_RIGHT, False)):
        match = pattern.match(equation)
        if match:
            break
    else:
        raise ValueError(
            f"EinsumDense layer '{layer_name}': invalid equation {equation!r}. Expected 'ab,bc->ac', "
            f"'...b,bc->...c' or 'ab...,bc->ac...' (letters, with an optional ellipsis)."
        )
    in_spec, w_spec, out_spec = match.groups()
    input_shape = list(input_shape)
    out_shape = [output_shape] if isinstance(output_shape, int) else list(output_shape)
    elided = len(input_shape) - len(in_spec) if pattern is not _PLAIN else 0
    out_shape.insert(0, input_shape[0])
    if elided > 0 and left:
        for i in range(1, elided):
            out_shape.insert(1, input_shape[i])
    elif elided > 0:
        out_shape.extend(input_shape[len(input_shape) - elided:])
    if left:
        in_map = {d: i + elided - len(input_shape) for i, d in enumerate(in_spec)}
        out_map = {d: i + elided - len(out_shape) for i, d in enumerate(out_spec)}
    else:
        in_map = {d: i for i, d in enumerate(in_spec)}
        out_map = {d: i for i, d in enumerate(out_spec)}
    for d in in_spec:
        if d in out_map:
            want, got = out_shape[out_map[d]], input_shape[in_map[d]]
            if want is not None and got is not None and want != got:
                raise ValueError(
                    f"EinsumDense layer '{layer_name}': output_shape {tuple(out_shape)} does not match the input "
                    f"shape {tuple(input_shape)} on dimension {d!r} of equation {equation!r}."
                )
    for d in out_spec:
        if d in in_map and out_shape[out_map[d]] is None:
            out_shape[out_map[d]] = input_shape[in_map[d]]  # a free output axis follows the input
        if d not in in_spec and d not in w_spec:
            raise ValueError(
                f"EinsumDense layer '{layer_name}': output dimension {d!r} of {equation!r} appears in neither the "
                f"input nor the weight spec."
            )
    kernel_shape = []
    for d in w_spec:
        if d in in_map:
            kernel_shape.append(input_shape[in_map[d]])
        elif d in out_map:
            kernel_shape.append(out_shape[out_map[d]])
        else:
            raise ValueError(
                f"EinsumDense layer '{layer_name}': weight dimension {d!r} of {equation!r} appears in neither the "
                f"input nor the output spec."
            )
    bias_shape = None
    if bias_axes is not None:
        for d in bias_axes:
            if d not in out_spec:
                raise ValueError(
                    f"EinsumDense layer '{layer_name}': bias axis {d!r} is not in the output spec of {equation!r}."
                )
        sizes = {d: out_shape[out_map[d]] for d in out_spec}
        first = min(out_spec.find(d) for d in bias_axes)
        bias_shape = [sizes[d] if d in bias_axes else 1 for d in out_spec[first:]]
        if not left:
            bias_shape.extend([1] * elided)
    return tuple(kernel_shape), None if bias_shape is None else tuple(bias_shape), tuple(out_shape)


class EinsumDense(KernelQuantization, LoRAMixin, Layer):
    """A dense layer given by an einsum equation ``"<input>,<kernel>-><output>"``.

    Args:
        equation: e.g. ``"ab,bc->ac"`` (Dense), ``"abc,cd->abd"`` (a Dense on 3-D inputs),
            ``"...b,bc->...c"``.
        output_shape: the output shape without the batch axis (and without ``...`` axes); one
            ``int`` for a single axis.
        activation: name or function.
        bias_axes: letters of the output spec that get a bias, e.g. ``"c"``; None for no bias.
        kernel_* / bias_*: initializers, regularizers, constraints.
        lora_rank / lora_alpha: LoRA, as in ``Dense`` (see ``enable_lora``).
        quantization_config: a ``lamina.quantizers.QuantizationConfig`` used when the layer's
            dtype policy is quantized; see ``quantize``.
        gptq_unpacked_column_size: must be None (Keras uses it for GPTQ kernels, which lamina
            does not have).

    Example:
        >>> layer = lamina.layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 4), bias_axes="de")
        >>> ops.shape(layer(lamina.ops.ones((3, 5, 8))))
        (3, 5, 2, 4)
    """

    def __init__(self, equation, output_shape, activation=None, bias_axes=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, activity_regularizer=None, lora_rank=None, lora_alpha=None,
                 gptq_unpacked_column_size=None, quantization_config=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if gptq_unpacked_column_size is not None:
            raise ValueError(
                f"EinsumDense layer '{self.name}': gptq_unpacked_column_size is not supported, lamina has "
                "no GPTQ layers. Expected gptq_unpacked_column_size=None. Received: "
                f"gptq_unpacked_column_size={gptq_unpacked_column_size!r}")
        self.equation = equation
        self.partial_output_shape = tuple(output_shape) if isinstance(output_shape, (list, tuple)) else (output_shape,)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self._init_lora(lora_rank, lora_alpha)
        self._init_quantization(quantization_config)

    def build(self, input_shape):
        kernel_shape, bias_shape, self.full_output_shape = analyze_einsum(
            self.name, self.equation, self.bias_axes, input_shape, self.partial_output_shape)
        self._quantized_weight_shape = tuple(kernel_shape)
        self._layout = EinsumScaleLayout(self.equation, len(input_shape), kernel_shape)
        if self.quantization_mode in ("int8", "int4"):
            self._build_quantized(kernel_shape, self.quantization_mode, self.quantization_config)
        else:
            self._kernel = self.add_weight(name="kernel", shape=kernel_shape, initializer=self.kernel_initializer,
                                           regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.bias = None
        if bias_shape is not None:
            self.bias = self.add_weight(name="bias", shape=bias_shape, initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        if self.quantization_mode == "float8":
            self._build_float8()
        self.built = True
        self._build_lora()

    @property
    def kernel(self):
        """The kernel Variable; with LoRA enabled, the effective (merged) kernel tensor."""
        return self._lora_effective()

    def call(self, inputs, training=None):
        if self.quantization_mode is not None:
            x = self._quantized_output(inputs, training)
            if self.bias is not None:
                x = ops.add(x, self._quantized_bias())
            return self.activation(x) if self.activation is not activations.linear else x
        x = ops.einsum(self.equation, inputs, self.kernel)
        if self.bias is not None:
            x = ops.add(x, self.bias)
        return self.activation(x) if self.activation is not activations.linear else x

    # -- quantization hooks (see _quantized.KernelQuantization): scales in the output's layout --
    _quantizable_class = True

    def _int8_reduced_axes(self, kernel_shape):
        return self._layout.kernel_reduced_axes

    def _kernel_reduced_axes(self, shape):
        return self._layout.kernel_reduced_axes

    def _int8_scale_shape(self):
        return self._layout.kernel_scale_shape

    def _int8_scale_from_kept(self, scale):
        return self._layout.kernel_scale_to_output(scale)

    def _int8_scale_for_weight(self, scale):
        return self._layout.kernel_scale_to_kernel(scale)

    def _input_scale_for_output(self, scale):
        return self._layout.input_scale_to_output(scale)

    def _inputs_quantized(self, inputs):
        return self.inputs_quantizer(inputs, axis=self._layout.input_reduced_axes)

    def _contract(self, inputs, kernel):
        return ops.einsum(self.equation, inputs, kernel)

    def _contract_int8(self, inputs, kernel):
        return quantizers.int8_einsum(self.equation, inputs, kernel)

    def _inputs_grad(self, upstream, float_kernel):
        return ops.einsum(self._layout.input_grad_equation, upstream, float_kernel)

    def compute_output_shape(self, input_shape):
        return analyze_einsum(self.name, self.equation, self.bias_axes, input_shape, self.partial_output_shape)[2]

    def get_config(self):
        config = super().get_config()
        config.update({
            "output_shape": self.partial_output_shape,
            "equation": self.equation,
            "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            **self._lora_config(),
        })
        return config
