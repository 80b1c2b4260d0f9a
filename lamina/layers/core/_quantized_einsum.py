"""Where the per-channel scales of a quantized EinsumDense sit, read off its equation.

Keras 3 stores an int8 EinsumDense kernel scale in the layout of the *output*: one axis per
output label, sized like the kernel's axis of that label, and 1 for labels the kernel does
not have (e.g. ``"abc,cde->abde"`` with kernel ``(c, d, e)`` gives a scale ``(1, 1, d, e)``).
An input scale (from quantizing the inputs over their contracted axes) is put in the same
layout, so both divide the einsum's output directly. This module computes those layouts.
"""

import string

from lamina import ops


def expand_specs(equation, input_rank):
    """``(input, kernel, output)`` label strings of ``equation``, with ``...`` replaced by fresh labels."""
    left, out = equation.split("->")
    inp, kernel = left.split(",")
    if "..." not in inp:
        return inp, kernel, out
    used = set(inp + kernel + out) - {"."}
    fresh = "".join(sorted(set(string.ascii_letters) - used))
    bare = inp.replace("...", "")
    elided = fresh[:max(input_rank - len(bare), 0)]
    return inp.replace("...", elided), kernel, out.replace("...", elided)


class EinsumScaleLayout:
    """The label bookkeeping of one EinsumDense equation for quantization.

    Args:
        equation: the layer's equation.
        input_rank: the rank of the inputs the layer was built for.
        kernel_shape: the float kernel's shape.
    """

    def __init__(self, equation, input_rank, kernel_shape):
        self.inp, self.kernel, self.out = expand_specs(equation, input_rank)
        self.kernel_sizes = dict(zip(self.kernel, kernel_shape))
        self.kernel_reduced_axes = tuple(i for i, label in enumerate(self.kernel) if label not in self.out)
        self.input_reduced_axes = tuple(i for i, label in enumerate(self.inp) if label not in self.out)
        # einsum giving the inputs' gradient from the output's: (output, kernel) -> input
        self.input_grad_equation = f"{self.out},{self.kernel}->{self.inp}"

    @property
    def kernel_scale_shape(self):
        """The stored int8 kernel scale's shape (the output layout)."""
        return tuple(self.kernel_sizes[label] if label in self.kernel else 1 for label in self.out)

    def _to_output_layout(self, scale, spec):
        """``scale`` (shaped like a ``spec`` tensor, size 1 on the contracted axes) in the output layout."""
        kept = [label for label in spec if label in self.out]
        sizes = dict(zip(spec, ops.shape(scale)))
        scale = ops.reshape(scale, [sizes[label] for label in kept])
        order = sorted(range(len(kept)), key=lambda i: self.out.index(kept[i]))
        if order != list(range(len(kept))):
            scale = ops.transpose(scale, order)
        return ops.reshape(scale, [sizes[label] if label in spec else 1 for label in self.out])

    def kernel_scale_to_output(self, scale):
        """A kernel scale with kept dims (kernel rank, 1 on the contracted axes) -> the stored layout."""
        return self._to_output_layout(scale, self.kernel)

    def input_scale_to_output(self, scale):
        """An input scale with kept dims -> the output layout, to divide the einsum's output."""
        return self._to_output_layout(scale, self.inp)

    def kernel_scale_to_kernel(self, scale):
        """The stored kernel scale -> a shape broadcasting against the kernel (to dequantize it)."""
        in_out = [label for label in self.out if label in self.kernel]
        scale = ops.reshape(scale, [self.kernel_sizes[label] for label in in_out])
        in_kernel_order = [label for label in self.kernel if label in self.out]
        order = [in_out.index(label) for label in in_kernel_order]
        if order != list(range(len(order))):
            scale = ops.transpose(scale, order)
        return ops.reshape(scale, [self.kernel_sizes[label] if label in self.out else 1 for label in self.kernel])
