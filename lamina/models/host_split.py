"""Host preprocessing for models that take raw strings.

JAX and torch have no string tensors, so layers that read strings (TextVectorization,
StringLookup, Hashing on strings ...) run on the host in NumPy. The trainer calls
``prepare_batch(model, x)`` on each batch, on the host, before the compiled step; it runs the
model's host part and returns what the device part consumes.
"""


def has_host_layers(model):
    """Whether any layer of ``model`` must run on the host (``layer._runs_on_host``)."""
    cached = getattr(model, "_host_layers_flag", None)
    if cached is None:
        layers = model._flatten_layers() if hasattr(model, "_flatten_layers") else []
        cached = any(getattr(layer, "_runs_on_host", False) for layer in layers)
        try:
            object.__setattr__(model, "_host_layers_flag", cached)
        except AttributeError:
            pass
    return cached


def prepare_batch(model, x):
    """Returns ``x`` ready for the compiled part of ``model`` (unchanged when there is no host part)."""
    if not has_host_layers(model):
        return x
    from lamina.models.host_split_impl import run_host_part

    return run_host_part(model, x)


def prepared_values(model, x):
    """For a batch made by ``prepare_batch``: the host part's results keyed by tensor id and the
    host nodes to skip; ``None`` for any other input."""
    if not (isinstance(x, dict) and x and all(isinstance(k, str) and k.startswith("__lamina_host__:") for k in x)):
        return None
    from lamina.models.host_split_impl import prepared_values as values_of

    return values_of(model, x)


def prepare_eager_call(model, x):
    """``x`` with the host part already run, for a direct call of ``model`` (unchanged when the
    model's host layers do not form a part that can run first)."""
    from lamina.models.host_split_impl import run_host_part_if_splittable

    return run_host_part_if_splittable(model, x)
