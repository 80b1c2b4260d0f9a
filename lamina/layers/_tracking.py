"""What an object's attributes hold, decided once, when each attribute is assigned.

Assigning an attribute on a layer (or a metric) classifies the value: a layer, a variable,
a seed generator, a metric or an optimizer (each of those classes declares its kind in a
``_tracked_kind`` class attribute), or a list, tuple or dict holding them (or an empty
list or dict, to be filled later). Such attributes enter the object's state registry, in
the order they were first assigned; nothing else does. lamina's own bookkeeping that holds
such values (graph nodes, caches, the compiled loss) is set through ``_set_untracked`` and
stays out of the registry, then and on every later assignment.

Every reader of state goes through the registry: sub-layers and weights below, the paths
saving gives objects (``saving/object_walk.py``, ``saving/checkpoint.py``), the torch module
tree (``parameters()``, ``state_dict()``), the stateless API, the trainer's search for
metrics and optimizers, and the compiled-step key. Walks of nested containers go as deep as
the nesting, and stop only at objects already seen.

Results are cached and invalidated by a global version counter, bumped whenever tracked
state may have changed.
"""

_version = [0]
# The attributes this module keeps on every tracked object (set with object.__setattr__).
_OWN_ATTRS = frozenset({"_state_attrs", "_untracked_attrs", "_state_cache", "_cache", "_names_cache"})


def bump():
    _version[0] += 1


def kind_of(value):
    """``"layer"``, ``"variable"``, ``"seed"``, ``"metric"``, ``"optimizer"``, or None."""
    return getattr(type(value), "_tracked_kind", None)


def _holds_state(container, seen):
    if id(container) in seen:
        return False
    seen.add(id(container))
    items = container.values() if isinstance(container, dict) else container
    for item in items:
        if kind_of(item) is not None:
            return True
        if isinstance(item, (list, tuple, dict)) and _holds_state(item, seen):
            return True
    return False


def is_state_value(value):
    """Whether an attribute holding ``value`` belongs in the state registry."""
    if kind_of(value) is not None:
        return True
    if isinstance(value, (list, dict)):
        return not value or _holds_state(value, set())
    return isinstance(value, tuple) and _holds_state(value, set())


def state_attributes(obj):
    """``[(name, value)]`` of ``obj``'s state attributes, in first-assignment order."""
    attrs = obj.__dict__
    registry = attrs.get("_state_attrs")
    if not registry:
        return []
    return [(name, attrs[name]) for name in registry if name in attrs]


def untracked_names(obj):
    """The attribute names ``obj`` keeps as bookkeeping (``_set_untracked``, and tracking's own)."""
    return _OWN_ATTRS | obj.__dict__.get("_untracked_attrs", frozenset())


def leaves(value, seen=None):
    """The tracked objects in ``value`` (itself, or inside nested lists, tuples and dicts), in
    order, each once."""
    out = []
    _leaves(value, out, set() if seen is None else seen)
    return out


def _leaves(value, out, seen):
    if id(value) in seen:
        return
    if kind_of(value) is not None:
        seen.add(id(value))
        out.append(value)
    elif isinstance(value, (list, tuple, dict)):
        seen.add(id(value))
        for item in (value.values() if isinstance(value, dict) else value):
            _leaves(item, out, seen)


class Tracked:
    """Keeps the state registry of an object as its attributes are assigned."""

    def __setattr__(self, name, value):
        object.__setattr__(self, name, value)
        attrs = self.__dict__
        if name in attrs.get("_untracked_attrs", ()):
            return
        registry = attrs.get("_state_attrs")
        if is_state_value(value):
            if registry is None:
                registry = {}
                object.__setattr__(self, "_state_attrs", registry)
            registry[name] = None
            _version[0] += 1
        elif registry and name in registry:
            del registry[name]
            _version[0] += 1

    def __delattr__(self, name):
        object.__delattr__(self, name)
        registry = self.__dict__.get("_state_attrs")
        if registry and name in registry:
            del registry[name]
            _version[0] += 1

    def _set_untracked(self, **attributes):
        """Sets lamina's own bookkeeping attributes: never state, now or when reassigned."""
        names = self.__dict__.get("_untracked_attrs")
        if names is None:
            names = set()
            object.__setattr__(self, "_untracked_attrs", names)
        registry = self.__dict__.get("_state_attrs")
        for name, value in attributes.items():
            names.add(name)
            if registry and name in registry:
                del registry[name]
                _version[0] += 1
            object.__setattr__(self, name, value)

    def _tracked_state(self):
        """``{kind: [objects]}`` held in state attributes, each object once, cached."""
        cache = self.__dict__.get("_state_cache")
        if cache is not None and cache[0] == _version[0]:
            return cache[1]
        found = {"layer": [], "variable": [], "seed": [], "metric": [], "optimizer": []}
        seen = {id(self)}
        for _, value in state_attributes(self):
            for item in leaves(value, seen):
                found[kind_of(item)].append(item)
        object.__setattr__(self, "_state_cache", (_version[0], found))
        return found


class Trackable(Tracked):
    """Mixin giving a layer its ``variables``, ``weights`` and sub-layer lists."""

    _tracked_kind = "layer"

    def _tracked(self):
        """``(sub-layers, own variables, seed generators)`` of this layer."""
        cache = self.__dict__.get("_cache")
        if cache is not None and cache[0] == _version[0]:
            return cache[1]
        state = self._tracked_state()
        own = unique(list(self.__dict__.get("_own_variables", ())) + state["variable"])
        result = (state["layer"], own, state["seed"])
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
        return unique(out)

    @property
    def non_trainable_weights(self):
        """Non-trainable variables; all of them when the layer is frozen."""
        if not self.trainable:
            return self._all_weights()
        out = [v for v in self._tracked()[1] if not v.trainable]
        for layer in self._layers:
            out.extend(layer.non_trainable_weights)
        return unique(out)

    def _all_weights(self):
        out = list(self._tracked()[1])
        for layer in self._layers:
            out.extend(layer._all_weights())
        return unique(out)

    @property
    def weights(self):
        """``trainable_weights + non_trainable_weights``: the order saving uses."""
        return unique(self.trainable_weights + self.non_trainable_weights)

    @property
    def trainable_variables(self):
        return self.trainable_weights

    @property
    def non_trainable_variables(self):
        """Non-trainable weights plus RNG seed states (everything a step must carry)."""
        return unique(self.non_trainable_weights + [s.state for s in self._all_seed_generators()])

    @property
    def variables(self):
        return unique(self.weights + [s.state for s in self._all_seed_generators()])

    # -- names for engines that key state by name (the torch module tree) --------------
    def _named_variables(self):
        """``[(name, variable)]`` of this layer's own weights; names are the variables' own,
        made unique and dot-free (the keys of torch's ``state_dict``)."""
        return self._names()[0]

    def _named_children(self):
        """``[(name, layer)]`` of the direct sub-layers: attribute names, with ``.index`` or
        ``.key`` inside lists and dicts (``blocks.0``), as PyTorch names ``ModuleList`` items."""
        return self._names()[1]

    def _names(self):
        cache = self.__dict__.get("_names_cache")
        if cache is not None and cache[0] == _version[0]:
            return cache[1]
        used = set()
        variables = [(_unique_key(v.name.replace(".", "_"), used), v) for v in self._tracked()[1]]
        result = (variables, self._child_names())
        object.__setattr__(self, "_names_cache", (_version[0], result))
        return result

    def _child_names(self):
        out, seen = [], {id(self)}
        for attr, value in state_attributes(self):
            _layer_paths(attr, value, out, seen)
        return out

    def _all_seed_generators(self):
        out = []
        for layer in self._flatten_layers():
            out.extend(layer._tracked()[2])
        return unique(out)


def unique(items, exclude=None):
    seen, out = set(), []
    for item in items:
        if id(item) in seen or item is exclude:
            continue
        seen.add(id(item))
        out.append(item)
    return out


def _unique_key(name, used):
    key, i = name, 0
    while key in used:
        i += 1
        key = f"{name}_{i}"
    used.add(key)
    return key


def _layer_paths(path, value, out, seen):
    if id(value) in seen:
        return
    if kind_of(value) == "layer":
        seen.add(id(value))
        out.append((path, value))
    elif isinstance(value, (list, tuple, dict)):
        seen.add(id(value))
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            _layer_paths(f"{path}.{key}", item, out, seen)


def children_by_layer_name(model, known=()):
    """``[(name, layer)]`` for a Functional or Sequential model: its layers by their names
    (unique in a model; dots become ``_``), then sub-layers held in other attributes that are
    not among ``model.layers`` or ``known``."""
    out = [(layer.name.replace(".", "_"), layer) for layer in model.layers]
    seen = {id(model)} | {id(layer) for _, layer in out} | {id(layer) for layer in known}
    for attr, value in state_attributes(model):
        _layer_paths(attr, value, out, seen)
    return out
