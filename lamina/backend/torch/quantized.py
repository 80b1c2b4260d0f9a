"""int8 x int8 products accumulated in int32 (what an int8-quantized layer multiplies with).

On CPU torch multiplies int32 tensors exactly. CUDA has no general integer matmul: a 2-D
product whose shapes suit ``torch._int_mm`` uses it (int8 in, int32 out); others multiply in
float32, exact while the sums stay below 2**24, as Keras 3 does on torch.
"""

import torch


def _int_mm_fits(a, b):
    return (a.is_cuda and a.ndim == 2 and b.ndim == 2 and a.shape[0] > 16 and a.shape[1] % 8 == 0
            and a.shape[1] >= 16 and b.shape[1] % 8 == 0)


def _compute_dtype(a):
    return torch.float32 if a.is_cuda else torch.int32


def int8_matmul(x1, x2):
    """``x1 @ x2`` of two int8 tensors as int32."""
    if _int_mm_fits(x1, x2):
        return torch._int_mm(x1.contiguous(), x2.contiguous())
    dtype = _compute_dtype(x1)
    return torch.matmul(x1.to(dtype), x2.to(dtype)).to(torch.int32)


def int8_einsum(subscripts, x1, x2):
    """``einsum(subscripts, x1, x2)`` of two int8 tensors as int32."""
    dtype = _compute_dtype(x1)
    return torch.einsum(subscripts, x1.to(dtype), x2.to(dtype)).to(torch.int32)
