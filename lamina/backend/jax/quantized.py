"""int8 x int8 products accumulated in int32 (what an int8-quantized layer multiplies with)."""

import jax.numpy as jnp


def int8_matmul(x1, x2):
    """``x1 @ x2`` of two int8 tensors, exact, as int32 (XLA's int8 dot with an int32 result)."""
    return jnp.matmul(x1, x2, preferred_element_type=jnp.int32)


def int8_einsum(subscripts, x1, x2):
    """``einsum(subscripts, x1, x2)`` of two int8 tensors, exact, as int32."""
    return jnp.einsum(subscripts, x1, x2, preferred_element_type=jnp.int32)
