"""Dtype names shared by both backends, and the promotion rule lamina follows."""

import numpy as np

FLOAT_TYPES = ("bfloat16", "float16", "float32", "float64")
INT_TYPES = ("uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64")
ALLOWED_DTYPES = FLOAT_TYPES + INT_TYPES + ("bool", "string", "complex64", "complex128")

_ALIASES = {
    "float": "float32",
    "double": "float64",
    "half": "float16",
    "int": "int32",
    "long": "int64",
    "str": "string",
    "object": "string",
}


def standardize_dtype(dtype):
    """Returns the canonical lamina name of ``dtype`` (a string, numpy dtype, or backend dtype)."""
    if dtype is None:
        from lamina.backend.common.config import floatx

        return floatx()
    if isinstance(dtype, str):
        name = dtype
    elif dtype is float:
        name = "float32"
    elif dtype is int:
        name = "int32"
    elif dtype is bool:
        name = "bool"
    elif dtype is str:
        name = "string"
    elif hasattr(dtype, "name") and isinstance(dtype.name, str):
        name = dtype.name
    elif hasattr(dtype, "__name__"):
        name = dtype.__name__
    else:
        name = str(dtype)
    name = name.replace("torch.", "")
    name = _ALIASES.get(name, name)
    if name.startswith("<U") or name.startswith("<S") or name in ("str_", "bytes_"):
        name = "string"
    if name not in ALLOWED_DTYPES:
        raise ValueError(f"Invalid dtype: {dtype!r}. Expected one of {ALLOWED_DTYPES}.")
    return name


def is_float_dtype(dtype):
    return standardize_dtype(dtype) in FLOAT_TYPES


def is_int_dtype(dtype):
    return standardize_dtype(dtype) in INT_TYPES


def dtype_size(dtype):
    """Size in bytes of one element of ``dtype``."""
    name = standardize_dtype(dtype)
    if name == "bfloat16":
        return 2
    if name == "string":
        return 0
    return np.dtype(name).itemsize


def result_type(*dtypes):
    """The dtype of combining values of ``dtypes``.

    Follows JAX's promotion (weak Python scalars do not widen; int + float gives the
    float type; float32 + float64 gives float64), so both backends agree.
    """
    names = [standardize_dtype(d) for d in dtypes if d is not None]
    if not names:
        from lamina.backend.common.config import floatx

        return floatx()
    if "bfloat16" in names:
        others = [n for n in names if n != "bfloat16"]
        if not others or all(n in INT_TYPES or n == "bool" for n in others):
            return "bfloat16"
        names = [("float32" if n == "bfloat16" else n) for n in names]
    inexact = [n for n in names if n in FLOAT_TYPES or n.startswith("complex")]
    if inexact:
        names = inexact  # like JAX: integers and bools never widen a float (int32 + float32 -> float32)
    return np.result_type(*[np.dtype(n) for n in names]).name
