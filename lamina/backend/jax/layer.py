"""JAX: layers are plain Python objects; nothing engine-specific to add."""


class JaxLayer:
    """The JAX half of ``lamina.layers.Layer`` (empty: JAX has no module system to join)."""

    def _init_backend_layer(self):
        """Nothing to set up."""

    def _sync_requires_grad(self):
        """JAX takes gradients of explicit arguments; no per-tensor flag to keep in sync."""


BackendLayer = JaxLayer
