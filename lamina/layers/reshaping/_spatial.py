"""Argument handling shared by the spatial reshaping layers."""

from lamina.backend import _conv_utils as _cu


def pairs(value, rank, name, layer_name):
    """``1 -> ((1, 1),) * rank``; ``(1, 2) -> ((1, 1), (2, 2))``; pairs pass through (rank > 1).

    For rank 1, ``(a, b)`` means (before, after).
    """
    def bad():
        return ValueError(
            f"{layer_name}: `{name}` must be an int, a tuple of {rank} ints or a tuple of {rank} pairs of "
            f"non-negative ints. Received: {name}={value!r}"
        )

    if isinstance(value, int) and not isinstance(value, bool):
        out = ((value, value),) * rank
    elif rank == 1 and isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, int) for v in value):
        out = (tuple(value),)
    elif isinstance(value, (list, tuple)) and len(value) == rank:
        out = []
        for v in value:
            if isinstance(v, int):
                out.append((v, v))
            elif isinstance(v, (list, tuple)) and len(v) == 2 and all(isinstance(u, int) for u in v):
                out.append(tuple(v))
            else:
                raise bad()
        out = tuple(out)
    else:
        raise bad()
    if any(p < 0 for pair in out for p in pair):
        raise bad()
    return out


def data_format(value):
    return _cu.standardize_format(value)


def spatial_axes(rank, fmt):
    return tuple(range(1, rank + 1)) if fmt == "channels_last" else tuple(range(2, rank + 2))


def check_rank(layer, shape, rank):
    if len(shape) != rank + 2:
        raise ValueError(
            f"{type(layer).__name__} layer '{layer.name}' expects inputs of rank {rank + 2}. "
            f"Received shape {tuple(shape)}"
        )
