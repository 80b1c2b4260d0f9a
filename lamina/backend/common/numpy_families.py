"""The NumPy-like ops each backend supplies, by family: one list per ``lamina.ops.numpy_*`` module.

``lamina/backend/<engine>/numpy_<family>.py`` takes its family's list as ``__all__``, so a name
missing from a backend fails at import; ``backend/<engine>/numpy.py`` gathers the families (and
the base ops of ``lamina.ops.numpy``) into the one namespace ``lamina.backend.numpy``.
"""

MATH = [
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "arcsinh", "arccosh", "arctanh", "exp2",
    "expm1", "log1p", "log2", "log10", "cbrt", "reciprocal", "deg2rad", "rad2deg", "sinc", "angle", "floor", "ceil",
    "trunc", "positive", "conj", "real", "imag", "isnan", "isinf", "isfinite", "signbit", "bitwise_and",
    "bitwise_or", "bitwise_xor", "bitwise_not", "left_shift", "right_shift", "gcd", "lcm", "fmod", "arctan2",
    "hypot", "copysign", "logaddexp", "logaddexp2", "float_power", "round", "sign", "heaviside", "nan_to_num",
    "isclose", "allclose",
]

LINALG = [
    "tensordot", "inner", "outer", "vdot", "vecdot", "cross", "kron", "trace",
]

SHAPE = [
    "moveaxis", "swapaxes", "flip", "rot90", "roll", "ravel", "repeat", "split", "array_split", "pad", "diag",
    "diagonal", "diagflat", "tril", "triu", "insert", "delete",
]

REDUCE = [
    "var", "std", "median", "quantile", "cumsum", "cumprod", "cummax", "cummin", "count_nonzero", "argmin",
    "average", "nansum", "nanmean", "nanmax", "nanmin", "ptp",
]

INDEX = [
    "take_along_axis", "put_along_axis", "nonzero", "argwhere", "flatnonzero", "searchsorted", "digitize",
    "bincount", "unique", "select", "choose", "compress", "extract", "sort", "argsort", "partition", "argpartition",
    "isin", "histogram", "diff", "ediff1d", "correlate", "convolve", "trapezoid", "interp",
]

CREATE = [
    "array", "eye", "tri", "linspace", "logspace", "geomspace", "empty", "full_like", "empty_like", "meshgrid",
    "indices",
]

EXTRA = [
    "bartlett", "blackman", "hamming", "hanning", "kaiser", "copy", "corrcoef", "divide_no_nan", "fabs", "fmax",
    "fmin", "i0", "isneginf", "isposinf", "isreal", "ldexp", "nextafter", "unravel_index", "vander", "view",
    "vectorize", "nanargmax", "nanargmin", "nancumprod", "nancumsum", "nanmedian", "nanpercentile", "nanprod",
    "nanquantile", "nanstd", "nanvar",
]
