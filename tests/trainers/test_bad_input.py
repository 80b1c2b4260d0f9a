"""Bad input gets a clear error naming the layer or argument (or Keras's behaviour), not a
failure deep inside the engine or a silently wrong result."""

import warnings

import numpy as np
import pytest

import lamina
from tests.conftest import keras_or_skip


# -- a layer called on something that is not a batch of features --------------------------
@pytest.mark.parametrize("value, shown", [("hello", "'hello' of type str"), (3.0, "3.0 of type float")])
def test_dense_called_on_a_scalar_names_the_layer_and_the_value(value, shown):
    layer = lamina.layers.Dense(2, name="head")
    with pytest.raises(ValueError, match=rf"layer 'head'.*expected min_ndim=2, found ndim=0.*{shown}"):
        layer(value)
    assert not layer.built  # refused before `build` read a shape ()
    assert lamina.ops.convert_to_numpy(layer(np.ones((1, 3), "float32"))).shape == (1, 2)


# -- dict inputs with a key the model does not have -----------------------------------------
def _feat_model():
    inp = lamina.Input((3,), name="feat")
    model = lamina.Model(inp, lamina.layers.Dense(1, kernel_initializer="ones", name="out")(inp))
    model.compile(optimizer=lamina.optimizers.SGD(0.1), loss="mse")
    return model


def test_fit_warns_about_and_ignores_an_unknown_input_key():
    x = np.linspace(0.0, 1.0, 24, dtype="float32").reshape(8, 3)
    y = np.ones((8, 1), "float32")
    plain = _feat_model()
    expected = plain.fit({"feat": x}, y, batch_size=4, shuffle=False, verbose=0).history["loss"]
    model = _feat_model()
    with pytest.warns(UserWarning, match=r"ignores the input key\(s\) \['extra'\].*\['feat'\]"):
        history = model.fit({"feat": x, "extra": x[:, :2]}, y, batch_size=4, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], expected, rtol=1e-6)
    with pytest.warns(UserWarning, match="'extra'"):
        loss = model.evaluate({"feat": x, "extra": x}, y, verbose=0)
    np.testing.assert_allclose(loss, model.evaluate({"feat": x}, y, verbose=0), rtol=1e-6)


def test_fit_still_refuses_a_dict_missing_an_input():
    x = np.ones((4, 3), "float32")
    with pytest.raises(ValueError, match=r"expects inputs named \['feat'\].*missing: \['feat'\]"):
        _feat_model().fit({"other": x}, np.ones((4, 1)), verbose=0)


def test_keras_also_ignores_the_unknown_key():
    keras = keras_or_skip()
    inp = keras.Input((3,), name="feat")
    model = keras.Model(inp, keras.layers.Dense(1)(inp))
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((4, 3), "float32")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = model.fit({"feat": x, "extra": x}, np.ones((4, 1)), verbose=0)
    assert np.isfinite(history.history["loss"][0])


# -- a generator whose x and y batches differ in length ------------------------------------
def test_generator_with_mismatched_batch_sizes_names_both_sizes():
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")

    def batches():
        while True:
            yield np.ones((8, 3), "float32"), np.ones((6, 1), "float32")

    with pytest.raises(ValueError, match=r"generator yielded a batch .*x has 8 samples, y has 6 samples"):
        model.fit(batches(), steps_per_epoch=2, verbose=0)


def test_generator_with_mismatched_sample_weight_is_refused():
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    data = iter([(np.ones((4, 3), "float32"), np.ones((4, 1), "float32"), np.ones((5,), "float32"))])
    with pytest.raises(ValueError, match=r"x has 4 samples, y has 4 samples, sample_weight has 5 samples"):
        model.evaluate(data, steps=1, verbose=0)


# -- sparse labels out of range -------------------------------------------------------------
_PROBS = np.array([[0.2, 0.3, 0.5], [0.1, 0.6, 0.3], [0.7, 0.2, 0.1]], "float32")


@pytest.mark.parametrize("bad", [-1, 3, 7])
def test_sparse_categorical_crossentropy_refuses_a_label_outside_the_classes(bad):
    labels = np.array([0, bad, 2])
    with pytest.raises(ValueError, match=rf"sparse_categorical_crossentropy: `y_true` must hold class labels "
                                         rf"in the range \[0, 3\).*\[{bad}\]"):
        lamina.losses.sparse_categorical_crossentropy(labels, _PROBS)
    with pytest.raises(ValueError, match=r"range \[0, 3\)"):
        lamina.losses.SparseCategoricalCrossentropy()(labels, _PROBS)


def test_ignore_class_still_works_and_matches_keras():
    keras = keras_or_skip()
    labels = np.array([1, -1, 2])
    ours = lamina.losses.SparseCategoricalCrossentropy(ignore_class=-1)(labels, _PROBS)
    theirs = keras.losses.SparseCategoricalCrossentropy(ignore_class=-1)(labels, _PROBS)
    np.testing.assert_allclose(lamina.ops.convert_to_numpy(ours), np.asarray(theirs), rtol=1e-6)
    with pytest.raises(ValueError, match=r"\[5\]"):  # another bad label is still refused
        lamina.losses.SparseCategoricalCrossentropy(ignore_class=-1)(np.array([1, -1, 5]), _PROBS)


def _classifier(**compile_kwargs):
    model = lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", **compile_kwargs)
    return model


def test_fit_run_eagerly_refuses_a_negative_label():
    x = np.ones((4, 4), "float32")
    with pytest.raises(ValueError, match=r"class labels in the range \[0, 3\).*\[-1\]"):
        _classifier(run_eagerly=True).fit(x, np.array([0, 1, -1, 2]), verbose=0)


def test_compiled_or_eager_a_bad_label_never_counts_as_another_class():
    # Eager steps raise; a compiled step (values unknown) reports NaN, never a finite loss.
    x = np.ones((4, 4), "float32")
    try:
        loss = _classifier().evaluate(x, np.array([0, 1, -1, 2]), verbose=0)
    except ValueError as e:
        assert "range [0, 3)" in str(e)
    else:
        assert np.isnan(loss)


# -- CategoryEncoding given a token past num_tokens ----------------------------------------
@pytest.mark.parametrize("mode", ["one_hot", "multi_hot", "count"])
@pytest.mark.parametrize("bad", [5, -1])
def test_category_encoding_refuses_a_token_outside_num_tokens(mode, bad):
    layer = lamina.layers.CategoryEncoding(num_tokens=3, output_mode=mode, name="enc")
    with pytest.raises(ValueError, match=rf"CategoryEncoding 'enc': `inputs` must hold indices in the range "
                                         rf"\[0, 3\).*\[{bad}\]"):
        layer(np.array([[0, bad]]))
    out = lamina.ops.convert_to_numpy(layer(np.array([[0, 2]])))
    expected = [[[1, 0, 0], [0, 0, 1]]] if mode == "one_hot" else [[1, 0, 1]]
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("how", ["predict", "call"])
def test_predict_and_calls_warn_about_and_ignore_an_unknown_input_key(how):
    """Keras 3 warns about a dict key that names no input and ignores it, in predict and
    in direct calls as in fit."""
    inputs = lamina.Input((3,), name="feat")
    model = lamina.Model(inputs, lamina.layers.Dense(1)(inputs))
    x = np.ones((2, 3), "float32")
    with pytest.warns(UserWarning, match=r"ignores the input key\(s\) \['extra'\]"):
        out = model.predict({"feat": x, "extra": x}, verbose=0) if how == "predict" else model({"feat": x, "extra": x})
    np.testing.assert_allclose(lamina.ops.convert_to_numpy(out), model.predict(x, verbose=0), rtol=1e-6)
