"""SpectralNormalization: keeps a wrapped layer's kernel at spectral norm 1 (Miyato et al., 2018)."""

from lamina import initializers, ops
from lamina.layers.core.wrapper import Wrapper
from lamina.layers.input_spec import InputSpec


def _unit(x):
    return x / ops.maximum(ops.sqrt(ops.sum(ops.square(x))), 1e-12)


class SpectralNormalization(Wrapper):
    """Divides the wrapped layer's ``kernel`` (or ``embeddings``) by its largest singular
    value, estimated by power iteration, at every training call; the estimate's vector is a
    non-trainable weight ``vector_u`` carried from call to call. A kernel of zeros is left as it is.

    Args:
        layer: a layer with a ``kernel`` or ``embeddings`` weight (``Dense``, ``Conv2D``,
            ``Embedding`` ...).
        power_iterations: power-iteration steps per training call (a positive integer).
        **kwargs: base layer arguments (``name``, ``dtype`` ...).

    Example:
        >>> sn = lamina.layers.SpectralNormalization(lamina.layers.Dense(3), power_iterations=50)
        >>> y = sn(np.ones((2, 4), "float32"), training=True)
        >>> round(float(np.linalg.svd(sn.layer.kernel.numpy(), compute_uv=False)[0]), 2)
        1.0
    """

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if isinstance(power_iterations, bool) or not isinstance(power_iterations, int) or power_iterations <= 0:
            raise ValueError("SpectralNormalization: expected a positive integer for power_iterations. Received: "
                             f"power_iterations={power_iterations!r}")
        self.power_iterations = power_iterations

    def build(self, input_shape):
        super().build(input_shape)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        kernel = getattr(self.layer, "kernel", None)
        if kernel is None:
            kernel = getattr(self.layer, "embeddings", None)
        if kernel is None:
            raise ValueError(f"SpectralNormalization: the wrapped {type(self.layer).__name__} '{self.layer.name}' "
                             "has no `kernel` or `embeddings` weight to normalize.")
        self.kernel = kernel  # tracked here too, as in Keras: the file layout lists it with vector_u
        self.vector_u = self.add_weight(shape=(1, kernel.shape[-1]),
                                        initializer=initializers.TruncatedNormal(stddev=0.02),
                                        trainable=False, name="vector_u", dtype=kernel.dtype)

    def normalized_weights(self):
        """``(vector_u, kernel)`` after ``power_iterations`` steps: the new estimate and the
        kernel divided by its spectral norm."""
        kernel = self.kernel
        weights = ops.reshape(kernel.value, (-1, kernel.shape[-1]))
        vector_u = self.vector_u.value
        vector_v = None
        for _ in range(self.power_iterations):
            vector_v = _unit(ops.matmul(vector_u, ops.transpose(weights)))
            vector_u = _unit(ops.matmul(vector_v, weights))
        vector_u, vector_v = ops.stop_gradient(vector_u), ops.stop_gradient(vector_v)
        sigma = ops.matmul(ops.matmul(vector_v, weights), ops.transpose(vector_u))
        new_kernel = ops.reshape(kernel.value / sigma, kernel.shape)
        return ops.cast(vector_u, self.vector_u.dtype), ops.cast(new_kernel, kernel.dtype)

    def call(self, inputs, training=False):
        if training:
            kernel = self.kernel
            vector_u, new_kernel = ops.cond(ops.all(ops.equal(kernel.value, 0)),
                                            lambda: (self.vector_u.value, kernel.value), self.normalized_weights)
            self.vector_u.assign(vector_u)
            kernel.assign(new_kernel)
        return ops.cast(self.layer(inputs), inputs.dtype)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        return {**super().get_config(), "power_iterations": self.power_iterations}
