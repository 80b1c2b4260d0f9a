"""``Sequential``: a plain stack of layers, each with one input and one output."""

from lamina.backend import KerasTensor
from lamina.layers import _tracking
from lamina.layers.core.input_layer import InputLayer
from lamina.layers.layer import Layer
from lamina.models.model import Model


class Sequential(Model):
    """A linear stack of layers.

    Give an ``Input`` (or ``input_shape=`` on the first layer) to build it at once;
    otherwise it builds on its first call or ``build(input_shape)``.

    Args:
        layers: list of layers to add.
        name: the model's name.

    Example:
        >>> model = lamina.Sequential([lamina.Input((8,)), lamina.layers.Dense(4)])
        >>> model.output_shape
        (None, 4)
    """

    _scoped_names = False

    def __init__(self, layers=None, trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._stack = []
        self._set_untracked(_functional=None)  # a graph over `_stack`, rebuilt when it changes
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    def add(self, layer, rebuild=True):
        """Appends a layer (an ``Input`` tensor adds its InputLayer)."""
        if isinstance(layer, KerasTensor):
            history = layer._keras_history
            if history is None or not isinstance(history[0], InputLayer):
                raise ValueError(f"Sequential.add: a tensor can only be added if it comes from lamina.Input. Received: {layer}")
            layer = history[0]
        if not isinstance(layer, Layer):
            raise ValueError(
                f"Only instances of lamina.layers.Layer can be added to a Sequential model. Received: {layer!r} "
                f"(of type {type(layer).__name__})"
            )
        if isinstance(layer, InputLayer) and self._stack and isinstance(self._stack[0], InputLayer):
            raise ValueError(f"Sequential model '{self.name}' already has an input layer; it cannot add another.")
        if isinstance(layer, InputLayer) and self._stack:
            raise ValueError(f"Sequential model '{self.name}': an InputLayer must be the first layer.")
        names = {l.name for l in self._stack}
        if layer.name in names:
            raise ValueError(
                f"All layers added to a Sequential model should have unique names. Name '{layer.name}' is "
                f"already the name of a layer in model '{self.name}'."
            )
        self._stack.append(layer)
        self._functional = None
        self.built = False
        if rebuild:
            self._maybe_rebuild()

    def pop(self, rebuild=True):
        """Removes and returns the last layer."""
        layers = self.layers
        if not layers:
            raise TypeError(f"Sequential model '{self.name}' has no layers to pop.")
        layer = self._stack.pop()
        self._functional = None
        self.built = False
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _input_batch_shape(self):
        if not self._stack:
            return None, None
        first = self._stack[0]
        if isinstance(first, InputLayer):
            return first.batch_shape, first.dtype
        shape = getattr(first, "_batch_input_shape", None)
        if shape is not None:
            return shape, None
        return None, None

    def _maybe_rebuild(self):
        shape, dtype = self._input_batch_shape()
        if shape is not None and len(self._stack) > (1 if isinstance(self._stack[0], InputLayer) else 0):
            self._build_functional(shape, dtype)

    def _build_functional(self, batch_shape, dtype=None):
        from lamina.models.functional import Functional

        first = self._stack[0]
        if isinstance(first, InputLayer):
            inputs = first.output
            layers = self._stack[1:]
        else:
            input_layer = InputLayer(batch_shape=batch_shape, dtype=dtype)
            self._stack.insert(0, input_layer)
            inputs = input_layer.output
            layers = self._stack[1:]
        x = inputs
        for layer in layers:
            x = _call_on(layer, x)
        self._functional = Functional(inputs, x, name=self.name + "_graph", trainable=self.trainable)
        self._build_shapes = tuple(batch_shape)
        self.built = True

    def build(self, input_shape=None):
        """Builds the model for inputs of ``input_shape`` (batch axis included)."""
        if input_shape is None:
            input_shape, _ = self._input_batch_shape()
        if input_shape is None:
            raise ValueError(f"Sequential model '{self.name}' cannot be built without an input shape.")
        if isinstance(input_shape, list) and all(d is None or isinstance(d, int) for d in input_shape):
            input_shape = tuple(input_shape)
        if self._functional is None:
            self._build_functional(tuple(input_shape))

    def _maybe_build(self, args, kwargs):
        if self._functional is None and args:
            x = args[0]
            shape = tuple(x.shape)
            self._build_functional((None,) + shape[1:], _dtype_of(x))

    def call(self, inputs, training=None, mask=None):
        return self._functional.call(inputs, training=training, mask=mask)

    def compute_output_spec(self, inputs, training=None, mask=None):
        return self._functional.compute_output_spec(inputs)

    @property
    def input_dtype(self):
        # Floating inputs convert to the dtype of the Input layer, when there is one (as Keras).
        if self._stack and isinstance(self._stack[0], InputLayer):
            return self._stack[0].dtype
        return super().input_dtype

    @property
    def _layers(self):
        return [l for l in self._stack if not isinstance(l, InputLayer)]

    @property
    def layers(self):
        return self._layers

    def _child_names(self):
        return _tracking.children_by_layer_name(self, known=self._stack)

    @property
    def inputs(self):
        return self._require_built("inputs").inputs

    @property
    def outputs(self):
        return self._require_built("outputs").outputs

    @property
    def input(self):
        return self._require_built("input").input

    @property
    def output(self):
        return self._require_built("output").output

    @property
    def input_shape(self):
        return self._require_built("input_shape").input_shape

    @property
    def output_shape(self):
        return self._require_built("output_shape").output_shape

    @property
    def input_names(self):
        return self._require_built("input_names").input_names

    @property
    def output_names(self):
        return self._require_built("output_names").output_names

    def _require_built(self, what):
        if self._functional is None:
            raise AttributeError(
                f"Sequential model '{self.name}' has not been built yet, so it has no {what}. Give it an Input, "
                "call it on data, or call `build(input_shape)`."
            )
        return self._functional

    def get_config(self):
        from lamina.saving.serialization_lib import serialize_keras_object

        layers = [serialize_keras_object(l) for l in self._stack]
        return {"name": self.name, "trainable": self.trainable, "layers": layers}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.saving.serialization_lib import deserialize_keras_object

        config = dict(config)
        layer_configs = config.pop("layers")
        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for entry in layer_configs:
            layer = deserialize_keras_object(entry, custom_objects=custom_objects)
            model.add(layer, rebuild=False)
        model._maybe_rebuild()
        if not model.built and config.get("build_input_shape"):
            model.build(tuple(config["build_input_shape"]))
        return model


def _call_on(layer, x):
    """``layer(x)``, reusing the node of an earlier build that called ``layer`` on this very
    tensor. Rebuilding after ``add``/``pop`` then adds nodes only for new layers, so each
    layer keeps one node in the model's graph and ``layer.output`` stays unambiguous (the
    feature-extractor idiom ``Model(model.inputs, [l.output for l in model.layers])``)."""
    for node in layer._inbound_nodes:
        args, kwargs = node.call_args, node.call_kwargs
        extra = {k: v for k, v in kwargs.items() if v is not None and k not in ("mask", "training")}
        if len(args) == 1 and args[0] is x and not extra:
            return node.outputs
    return layer(x)


def _dtype_of(x):
    from lamina import backend

    try:
        return backend.standardize_dtype(x.dtype)
    except (ValueError, AttributeError):
        return None
