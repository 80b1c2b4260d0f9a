"""Seed S6 (note lines 246-312): title/body/tags model with Embedding, LSTM, concatenate and two
named outputs, trained on dicts keyed by input and output names."""

import numpy as np

import lamina
from lamina import layers


def test_s06_title_body_tags_model_trains_on_dicts():
    lamina.utils.set_random_seed(0)
    num_tags, num_words, num_departments = 12, 1000, 4
    title_input = lamina.Input(shape=(None,), name="title")
    body_input = lamina.Input(shape=(None,), name="body")
    tags_input = lamina.Input(shape=(num_tags,), name="tags")
    title_features = layers.Embedding(num_words, 64)(title_input)
    body_features = layers.Embedding(num_words, 64)(body_input)
    title_features = layers.LSTM(128)(title_features)
    body_features = layers.LSTM(32)(body_features)
    x = layers.concatenate([title_features, body_features, tags_input])
    priority_pred = layers.Dense(1, name="priority")(x)
    department_pred = layers.Dense(num_departments, name="department")(x)
    model = lamina.Model(inputs=[title_input, body_input, tags_input], outputs=[priority_pred, department_pred])
    assert model.output_names == ["priority", "department"]
    assert x.shape == (None, 128 + 32 + num_tags)

    model.compile(
        optimizer=lamina.optimizers.RMSprop(1e-3),
        loss=[lamina.losses.BinaryCrossentropy(from_logits=True),
              lamina.losses.CategoricalCrossentropy(from_logits=True)],
        loss_weights=[1.0, 0.2],
    )
    rng = np.random.RandomState(0)
    n = 128
    title_data = rng.randint(num_words, size=(n, 10))
    body_data = rng.randint(num_words, size=(n, 20))
    tags_data = rng.randint(2, size=(n, num_tags)).astype("float32")
    priority_targets = rng.random_sample(size=(n, 1))
    dept_targets = rng.randint(2, size=(n, num_departments))
    history = model.fit(
        {"title": title_data, "body": body_data, "tags": tags_data},
        {"priority": priority_targets, "department": dept_targets},
        epochs=3, batch_size=32, verbose=0,
    )
    losses = history.history["loss"]
    assert len(losses) == 3 and losses[-1] < losses[0]
    assert {"priority_loss", "department_loss"} <= set(history.history)
    priority, department = model.predict({"title": title_data[:4], "body": body_data[:4], "tags": tags_data[:4]},
                                         verbose=0)
    assert np.asarray(priority).shape == (4, 1) and np.asarray(department).shape == (4, num_departments)
