"""``ModelSavingMixin``: ``save``, ``save_weights``, ``load_weights`` and ``to_json`` on Model."""

import json


class ModelSavingMixin:
    """Saving methods of ``lamina.Model`` (formats are chosen by ``lamina.saving.saving_api``)."""

    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """Saves the whole model: architecture, weights, and compiled state.

        Args:
            filepath: ``"m.keras"`` (zip), ``"m.h5"`` (legacy tf.keras), or a path with no
                suffix (the same archive as a folder).
            overwrite: replace an existing file (default) or raise.
            zipped: force the zip or folder form.

        Example:
            >>> import os, tempfile
            >>> path = os.path.join(tempfile.mkdtemp(), "mnist_model.keras")
            >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
            >>> model.save(path)
            >>> restored = lamina.models.load_model(path)
        """
        from lamina.saving import saving_api

        saving_api.save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(self, filepath, overwrite=True, **kwargs):
        """Saves the weights only: ``.weights.h5`` (Keras 3), ``.h5`` (legacy) or a checkpoint.

        Example:
            >>> import os, tempfile
            >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
            >>> model.save_weights(os.path.join(tempfile.mkdtemp(), "model.weights.h5"))
        """
        from lamina.saving import saving_api

        return saving_api.save_weights(self, filepath, overwrite=overwrite, **kwargs)

    def load_weights(self, filepath, skip_mismatch=False, by_name=False, **kwargs):
        """Loads weights saved by ``save_weights`` (or Keras); see ``saving_api.load_weights``.

        Example:
            >>> import os, tempfile
            >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
            >>> path = os.path.join(tempfile.mkdtemp(), "model.weights.h5")
            >>> model.save_weights(path)
            >>> model.load_weights(path)
        """
        from lamina.saving import saving_api

        return saving_api.load_weights(self, filepath, skip_mismatch=skip_mismatch, by_name=by_name, **kwargs)

    def to_json(self, **kwargs):
        """The model's config as a JSON string (``json.dumps`` kwargs such as ``indent`` apply).

        Example:
            >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
            >>> same = lamina.models.model_from_json(model.to_json())
        """
        from lamina.saving.serialization_lib import serialize_keras_object

        return json.dumps(serialize_keras_object(self), **kwargs)
