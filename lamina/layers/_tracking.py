"""Finding a layer's sub-layers and variables from its attributes.

Sub-layers and Variables assigned as attributes, or held in lists, tuples and dicts, are
found by walking ``__dict__`` in assignment order. Results are cached and invalidated by a
global version counter, bumped whenever tracked state may have changed.
"""

_version = [0]

_SKIP = frozenset({
    "_inbound_nodes", "_outbound_nodes", "_own_variables", "_regularized", "_losses", "_cache",
    "_seed_generators", "_compiled", "_history", "optimizer", "compiled_loss", "compiled_metrics",
    "_compile_state", "_trainer_state", "_metrics_cache", "history", "_call_fn", "_plan",
    "_input_layers_cache", "_node_plan", "_step_cache",
})


def bump():
    _version[0] += 1


def _walk(value, layers, variables, seeds, depth=0):
    if depth > 4:
        return
    if isinstance(value, Trackable):
        layers.append(value)
    elif getattr(value, "_is_lamina_variable", False):
        variables.append(value)
    elif type(value).__name__ == "SeedGenerator" and hasattr(value, "state"):
        seeds.append(value)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _walk(item, layers, variables, seeds, depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            _walk(item, layers, variables, seeds, depth + 1)


class Trackable:
    """Mixin giving a layer its ``variables``, ``weights`` and sub-layer lists."""

    def __setattr__(self, name, value):
        object.__setattr__(self, name, value)
        if name[:2] != "__" and isinstance(value, (Trackable, list, tuple, dict)) or getattr(
                value, "_is_lamina_variable", False) or getattr(value, "_is_lamina_metric", False):
            _version[0] += 1

    def _tracked(self):
        cache = self.__dict__.get("_cache")
        if cache is not None and cache[0] == _version[0]:
            return cache[1]
        layers, variables, seeds = [], [], []
        for key, value in self.__dict__.items():
            if key in _SKIP:
                continue
            _walk(value, layers, variables, seeds)
        own = _unique(list(self.__dict__.get("_own_variables", ())) + variables)
        result = (_unique(layers, exclude=self), own, _unique(seeds))
        object.__setattr__(self, "_cache", (_version[0], result))
        return result

    @property
    def _layers(self):
        """Direct sub-layers, in the order they were assigned."""
        return self._tracked()[0]

    def _flatten_layers(self, include_self=True, recursive=True):
        out, seen = ([self] if include_self else []), {id(self)}
        stack = list(reversed(self._layers))
        while stack:
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            out.append(layer)
            if recursive:
                stack.extend(reversed(layer._layers))
        return out

    @property
    def trainable_weights(self):
        """Trainable variables of this layer and its sub-layers (empty when frozen)."""
        if not self.trainable:
            return []
        out = [v for v in self._tracked()[1] if v.trainable]
        for layer in self._layers:
            out.extend(layer.trainable_weights)
        return _unique(out)

    @property
    def non_trainable_weights(self):
        """Non-trainable variables; all of them when the layer is frozen."""
        if not self.trainable:
            return self._all_weights()
        out = [v for v in self._tracked()[1] if not v.trainable]
        for layer in self._layers:
            out.extend(layer.non_trainable_weights)
        return _unique(out)

    def _all_weights(self):
        out = list(self._tracked()[1])
        for layer in self._layers:
            out.extend(layer._all_weights())
        return _unique(out)

    @property
    def weights(self):
        """``trainable_weights + non_trainable_weights``: the order saving uses."""
        return _unique(self.trainable_weights + self.non_trainable_weights)

    @property
    def trainable_variables(self):
        return self.trainable_weights

    @property
    def non_trainable_variables(self):
        """Non-trainable weights plus RNG seed states (everything a step must carry)."""
        return _unique(self.non_trainable_weights + [s.state for s in self._all_seed_generators()])

    @property
    def variables(self):
        return _unique(self.weights + [s.state for s in self._all_seed_generators()])

    def _all_seed_generators(self):
        out = []
        for layer in self._flatten_layers():
            out.extend(layer._tracked()[2])
        return _unique(out)


def _unique(items, exclude=None):
    seen, out = set(), []
    for item in items:
        if id(item) in seen or item is exclude:
            continue
        seen.add(id(item))
        out.append(item)
    return out
