"""JAX kernels for ops Keras 3 added beside its core families: segment min/prod, erfc, complex
numbers from parts, im2col/col2im (``unfold``/``fold``), ``cholesky_inverse`` and ``jvp``."""

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl

from lamina.backend.jax.core import convert_to_tensor
from lamina.backend.jax.math import _float, _num_segments


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    segment_ids = convert_to_tensor(segment_ids)
    return jax.ops.segment_min(convert_to_tensor(data), segment_ids, _num_segments(segment_ids, num_segments),
                               indices_are_sorted=sorted)


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    segment_ids = convert_to_tensor(segment_ids)
    return jax.ops.segment_prod(convert_to_tensor(data), segment_ids, _num_segments(segment_ids, num_segments),
                                indices_are_sorted=sorted)


def erfc(x):
    return jax.scipy.special.erfc(_float(x))


def complex_from_parts(real, imag):
    real, imag = _float(real), _float(imag)
    dtype = jnp.result_type(real.dtype, imag.dtype)
    return jax.lax.complex(real.astype(dtype), imag.astype(dtype))


def unfold(x, kernel_size, dilation, padding, stride):
    x = convert_to_tensor(x)
    (ph, pw) = padding
    if ph or pw:
        x = jnp.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    patches = jax.lax.conv_general_dilated_patches(
        x, filter_shape=kernel_size, window_strides=stride, padding="VALID", rhs_dilation=dilation,
        dimension_numbers=("NCHW", "OIHW", "NCHW"))
    n, ckk, oh, ow = patches.shape
    return patches.reshape(n, ckk, oh * ow)


def fold(x, output_size, kernel_size, dilation, padding, stride):
    # col2im is the adjoint of im2col: transpose the (linear) unfold at an image of the output's shape.
    x = convert_to_tensor(x)
    n, ckk, _ = x.shape
    image = jax.ShapeDtypeStruct((n, ckk // (kernel_size[0] * kernel_size[1])) + tuple(output_size), x.dtype)
    transposed = jax.linear_transpose(lambda im: unfold(im, kernel_size, dilation, padding, stride), image)
    return transposed(x)[0]


def cholesky_inverse(x, upper=False):
    x = _float(x)
    # The identity spans the batch: jax reads a 2-D `b` beside a batched `a` as a batch of vectors.
    identity = jnp.broadcast_to(jnp.eye(x.shape[-1], dtype=x.dtype), x.shape)
    inverse_factor = jsl.solve_triangular(x, identity, lower=not upper)
    if upper:
        return jnp.matmul(inverse_factor, jnp.swapaxes(inverse_factor, -1, -2))
    return jnp.matmul(jnp.swapaxes(inverse_factor, -1, -2), inverse_factor)


def jvp(fun, primals, tangents, has_aux=False):
    return jax.jvp(fun, tuple(primals), tuple(tangents), has_aux=has_aux)
