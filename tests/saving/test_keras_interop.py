"""Files move both ways between lamina and real Keras 3 (same backend), with identical predictions."""

import numpy as np
import pytest

import lamina

keras = pytest.importorskip("keras")


def _register(k, base):
    @k.saving.register_keras_serializable(package="interop")
    class Scale(base.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def build(self, input_shape):
            self.alpha = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="alpha")

        def call(self, x):
            return x * self.alpha * self.factor

        def get_config(self):
            config = super().get_config()
            config["factor"] = self.factor
            return config

    return Scale


def _build(k, scale_cls):
    tokens = k.Input((6,), dtype="int32", name="tokens")
    image = k.Input((8, 8, 3), name="image")
    e = k.layers.Embedding(20, 4)(tokens)
    r = k.layers.LSTM(5)(e)
    c = k.layers.Conv2D(2, 3, activation="relu")(image)
    c = k.layers.BatchNormalization()(c)
    c = k.layers.Flatten()(c)
    inner_in = k.Input((5,))
    inner = k.Model(inner_in, k.layers.Dense(3)(inner_in), name="inner")
    h = k.layers.Concatenate()([inner(r), c])
    h = scale_cls(0.5)(h)
    out = k.layers.Dense(2)(h)
    model = k.Model([tokens, image], out)
    model.compile(optimizer=k.optimizers.Adam(0.01), loss="mse")
    return model


def _predict(model, x):
    out = model(x, training=False)
    return np.asarray(lamina.ops.convert_to_numpy(out) if isinstance(model, lamina.Model)
                      else keras.ops.convert_to_numpy(out))


def _data():
    rng = np.random.default_rng(0)
    return ([rng.integers(0, 20, (8, 6)).astype("int32"), rng.random((8, 8, 8, 3), dtype=np.float32)],
            rng.random((8, 2), dtype=np.float32))


def _opt_values(model):
    return [np.asarray(lamina.ops.convert_to_numpy(v.value) if hasattr(v, "_is_lamina_variable")
                       else keras.ops.convert_to_numpy(v)) for v in model.optimizer.variables]


@pytest.fixture
def models():
    keras.utils.clear_session()
    k_scale = _register(keras, keras.layers)
    l_scale = _register(lamina, lamina.layers)
    return k_scale, l_scale


def test_keras_archive_loads_in_lamina_and_back(tmp_path, models):
    k_scale, l_scale = models
    x, _ = _data()
    kmodel = _build(keras, k_scale)
    # Optimizer state without a (slow to compile) training step: build it, then fill it.
    kmodel.optimizer.build(kmodel.trainable_variables)
    rng = np.random.default_rng(5)
    for v in kmodel.optimizer.variables:
        v.assign(rng.integers(1, 9, v.shape).astype(v.dtype) if "int" in str(v.dtype) else
                 rng.random(v.shape).astype("float32"))
    kmodel.save(str(tmp_path / "k.keras"))
    lmodel = lamina.saving.load_model(str(tmp_path / "k.keras"))
    np.testing.assert_allclose(_predict(lmodel, x), _predict(kmodel, x), atol=1e-5)
    # Optimizer state (iterations and Adam slots) came across in Keras's order.
    for a, b in zip(_opt_values(lmodel), _opt_values(kmodel)):
        np.testing.assert_allclose(a, b, atol=1e-6)
    assert len(_opt_values(lmodel)) == len(_opt_values(kmodel))

    lmodel.save(str(tmp_path / "l.keras"))
    back = keras.saving.load_model(str(tmp_path / "l.keras"))
    np.testing.assert_allclose(_predict(back, x), _predict(lmodel, x), atol=1e-5)
    for a, b in zip(_opt_values(back), _opt_values(lmodel)):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_weights_files_match_keras_tree_and_values(tmp_path, models):
    import h5py

    k_scale, l_scale = models
    x, _ = _data()
    kmodel = _build(keras, k_scale)
    lmodel = _build(lamina, l_scale)
    kmodel.save_weights(str(tmp_path / "k.weights.h5"))
    lmodel.save_weights(str(tmp_path / "l.weights.h5"))

    def tree(path):
        out = []
        with h5py.File(path) as f:
            f.visititems(lambda name, obj: out.append((name, getattr(obj, "shape", None))))
        return out

    assert tree(tmp_path / "k.weights.h5") == tree(tmp_path / "l.weights.h5")
    lmodel.load_weights(str(tmp_path / "k.weights.h5"))
    np.testing.assert_allclose(lmodel.predict(x, verbose=0), kmodel.predict(x, verbose=0), atol=1e-5)
    lmodel2 = _build(lamina, l_scale)
    lmodel2.save_weights(str(tmp_path / "l2.weights.h5"))
    kmodel.load_weights(str(tmp_path / "l2.weights.h5"))
    np.testing.assert_allclose(kmodel.predict(x, verbose=0), lmodel2.predict(x, verbose=0), atol=1e-5)


def test_sequential_and_legacy_h5_both_ways(tmp_path):
    x = np.random.rand(4, 5).astype("float32")
    kmodel = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3, activation="relu"),
                               keras.layers.Dropout(0.3), keras.layers.Dense(2)])
    kmodel.save(str(tmp_path / "k.keras"))
    kmodel.save(str(tmp_path / "k.h5"))
    for name in ("k.keras", "k.h5"):
        lmodel = lamina.models.load_model(str(tmp_path / name))
        np.testing.assert_allclose(lmodel.predict(x, verbose=0), kmodel.predict(x, verbose=0), atol=1e-6)
    lmodel = lamina.Sequential([lamina.Input((5,)), lamina.layers.Dense(3, activation="relu"),
                                lamina.layers.Dropout(0.3), lamina.layers.Dense(2)])
    for name in ("l.keras", "l.h5"):
        lmodel.save(str(tmp_path / name))
        back = keras.saving.load_model(str(tmp_path / name))
        np.testing.assert_allclose(back.predict(x, verbose=0), lmodel.predict(x, verbose=0), atol=1e-6)
