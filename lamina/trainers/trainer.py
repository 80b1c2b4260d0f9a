"""The training mixin of ``Model``: compile, the overridable steps, losses and metrics.

The loops (``fit`` / ``evaluate`` / ``predict``) live in ``trainers.loops``; a backend
supplies only how to run steps (``lamina.backend.step``).
"""

from lamina import ops
from lamina.backend import tree
from lamina.trainers import loops
from lamina.trainers.compile_utils import CompileLoss, CompileMetrics, output_names_of
from lamina.trainers.data_adapters import unpack_x_y_sample_weight


class Trainer:
    """Training state and steps of a ``Model``.

    Override ``train_step(data)`` / ``test_step(data)`` / ``predict_step(data)`` to
    customize training; write them with ``lamina.ops`` (gradients from
    ``ops.value_and_grad``) and they run on every backend.
    """

    def __init__(self):
        self.compiled = False
        self.optimizer = None
        self.stop_training = False
        self._run_eagerly = False
        self._jit_compile = "auto"
        self._steps_per_execution = "auto"
        self._compile_loss = None
        self._compile_metrics = None
        # Bookkeeping: the compiled loss's trackers and cached steps are not the model's state.
        self._set_untracked(_loss_tracker=None, _output_loss_trackers=None, _compile_config=None,
                            _step_cache={}, history=None)
        self._step_logs = True  # False while a loop reads no per-step logs (eager backends)
        self.train_function = None
        self.test_function = None
        self.predict_function = None

    # -- compile --------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution="auto",
                jit_compile="auto", auto_scale_loss=True):
        """Configures the model for training.

        Args:
            optimizer: an optimizer or its name.
            loss: a loss (object, function or name); a list in output order or a dict keyed
                by output name for several outputs (``None`` skips an output).
            loss_weights: scalars weighting each output's loss.
            metrics: metrics (objects, functions or names such as ``"accuracy"``), shared
                by every output, or per output as a list of lists or a dict.
            weighted_metrics: metrics updated with ``sample_weight`` / ``class_weight``.
            run_eagerly: run steps without compiling (for debugging).
            steps_per_execution: steps fused per call; ``"auto"`` measures and chooses.
            jit_compile: ``"auto"`` (compile on JAX, eager on torch), True or False.
            auto_scale_loss: under a ``"mixed_float16"`` policy, wrap the optimizer in a
                ``LossScaleOptimizer`` (dynamic loss scaling against float16 underflow).

        Example:
            >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
            >>> model.compile(optimizer="adam", loss="mse", metrics=["mae"])
            >>> model.compiled, type(model.optimizer).__name__
            (True, 'Adam')
        """
        from lamina import metrics as metrics_module
        from lamina import optimizers

        self._compile_config = dict(
            optimizer=optimizer, loss=loss, loss_weights=loss_weights, metrics=metrics,
            weighted_metrics=weighted_metrics, run_eagerly=run_eagerly,
            steps_per_execution=steps_per_execution, jit_compile=jit_compile,
            auto_scale_loss=auto_scale_loss)
        self.optimizer = optimizers.get(optimizer) if optimizer is not None else None
        if (auto_scale_loss and self.optimizer is not None and self.dtype_policy.name == "mixed_float16"
                and not isinstance(self.optimizer, optimizers.LossScaleOptimizer)):
            # As Keras: float16 gradients underflow without loss scaling (bfloat16 ones do not).
            self.optimizer = optimizers.LossScaleOptimizer(self.optimizer, name="loss_scale_optimizer")
        names = self._output_names_hint()
        self._compile_loss = CompileLoss(loss, loss_weights, names, self.name) if loss is not None else None
        if metrics is not None or weighted_metrics is not None:
            self._compile_metrics = CompileMetrics(metrics, weighted_metrics, names, self.name,
                                                   loss=self._compile_loss)
        else:
            self._compile_metrics = None
        self._loss_tracker = metrics_module.Mean(name="loss")
        self._output_loss_trackers = None
        self._run_eagerly = bool(run_eagerly)
        self._jit_compile = jit_compile
        if steps_per_execution != "auto" and (not isinstance(steps_per_execution, int) or steps_per_execution < 1):
            raise ValueError(
                f"`steps_per_execution` must be a positive integer or 'auto'. Received: {steps_per_execution!r}")
        self._steps_per_execution = steps_per_execution
        self._step_cache = {}
        self.train_function = self.test_function = self.predict_function = None
        self.stop_training = False
        self.compiled = True

    def _output_names_hint(self):
        names = getattr(self, "output_names", None)
        try:
            return list(names) if names else None
        except TypeError:
            return None

    def get_compile_config(self):
        """The arguments given to ``compile``, serialized (for saving)."""
        if not self.compiled or self._compile_config is None:
            return None
        from lamina.saving import serialization_lib

        return {k: serialization_lib.serialize_keras_object(v) for k, v in self._compile_config.items()}

    def compile_from_config(self, config):
        """Compiles the model from ``get_compile_config()`` output."""
        from lamina.saving import serialization_lib

        config = {k: serialization_lib.deserialize_keras_object(v) for k, v in (config or {}).items()}
        self.compile(**config)
        if self.optimizer is not None and self.built and hasattr(self.optimizer, "build"):
            self.optimizer.build(self.trainable_variables)

    def _compile_key_config(self):
        from lamina.saving import serialization_lib

        cfg = self._compile_config or {}
        return {k: serialization_lib.serialize_keras_object(v) for k, v in cfg.items()}

    def _assert_compiled(self, what):
        if not self.compiled:
            raise RuntimeError(f"You must call `compile()` on model '{self.name}' before calling `{what}()`.")

    # -- settings -------------------------------------------------------------------
    @property
    def run_eagerly(self):
        return self._run_eagerly

    @run_eagerly.setter
    def run_eagerly(self, value):
        self._run_eagerly = bool(value)

    @property
    def jit_compile(self):
        return self._jit_compile

    @jit_compile.setter
    def jit_compile(self, value):
        self._jit_compile = value
        self._step_cache = {}

    @property
    def steps_per_execution(self):
        return self._steps_per_execution

    # -- metrics --------------------------------------------------------------------
    @property
    def metrics(self):
        """The loss tracker, per-output loss trackers, compiled metrics, then metrics held
        in attributes of the model."""
        from lamina.trainers.state import find_attribute_metrics

        out = []
        if self.compiled:
            if self._loss_tracker is not None:
                out.append(self._loss_tracker)
            if self._output_loss_trackers:
                out.extend(t for t in self._output_loss_trackers if t is not None)
            if self._compile_metrics is not None:
                out.extend(self._compile_metrics.metrics)
        for metric in find_attribute_metrics(self):
            if not any(metric is m for m in out):
                out.append(metric)
        return out

    @property
    def metrics_variables(self):
        """The variables of ``self.metrics``, metric after metric (the order a stateless
        ``train_step(state, data)`` receives them in)."""
        out = []
        for metric in self.metrics:
            out.extend(metric.variables)
        return out

    @property
    def metrics_names(self):
        return [m.name for m in self.metrics]

    @property
    def compiled_loss(self):
        """``compiled_loss(y, y_pred, sample_weight=None, regularization_losses=None)``: the
        compiled loss plus the given regularization losses; updates the ``loss`` tracker."""
        return _CompiledLoss(self)

    @property
    def compiled_metrics(self):
        """The compiled metrics: ``update_state(y, y_pred, sample_weight=None)``."""
        return _CompiledMetrics(self)

    def reset_metrics(self):
        """Resets the state of every metric in ``self.metrics``."""
        for metric in self.metrics:
            metric.reset_state()

    def get_metrics_result(self):
        """``{name: value}`` of every metric's current result (nested dicts flattened)."""
        logs = {}
        for metric in self.metrics:
            result = metric.result()
            if isinstance(result, dict):
                logs.update(result)
            else:
                logs[metric.name] = result
        return logs

    def _build_output_trackers(self, y_pred):
        from lamina import backend

        if self._output_loss_trackers is not None and self._compile_loss.built:
            return
        with backend.step.StepExecutor.eager_creation():
            self._create_output_trackers(y_pred)

    def _create_output_trackers(self, y_pred):
        from lamina import metrics as metrics_module

        loss = self._compile_loss
        loss.output_names = loss.output_names or output_names_of(self, y_pred)
        loss.build(y_pred)
        if self._output_loss_trackers is None:
            active = loss.active_outputs
            names = loss.output_names
            trackers = [None] * len(names)
            if len(active) > 1:
                for i in active:
                    trackers[i] = metrics_module.Mean(name=f"{names[i]}_loss")
            self._output_loss_trackers = trackers

    def _build_compiled_metrics(self, y, y_pred):
        if self._compile_metrics is None or self._compile_metrics.built:
            return
        from lamina import backend

        with backend.step.StepExecutor.eager_creation():
            self._create_compiled_metrics(y, y_pred)

    def _create_compiled_metrics(self, y, y_pred):
        metrics = self._compile_metrics
        metrics.output_names = metrics.output_names or output_names_of(self, y_pred)
        if self._compile_loss is not None:
            self._compile_loss.output_names = self._compile_loss.output_names or metrics.output_names
            self._compile_loss.build(y_pred)
            metrics._loss = self._compile_loss
        metrics.build(y, y_pred)

    # -- losses ---------------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The total loss: the compiled loss of ``(y, y_pred)`` plus ``self.losses``
        (``add_loss`` and weight regularizers).

        Example:
            >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1, kernel_initializer="zeros")])
            >>> model.compile(optimizer="sgd", loss="mse")
            >>> x, y = np.ones((4, 3), "float32"), np.full((4, 1), 2.0, "float32")
            >>> loss = model.compute_loss(x, y, model(x), training=False)
            >>> round(float(ops.convert_to_numpy(loss)), 4)
            4.0
        """
        return self._compute_loss(y, y_pred, sample_weight)

    def _compute_loss(self, y, y_pred, sample_weight, row_mask=None):
        total = None
        if self._compile_loss is not None and y is not None:
            self._build_output_trackers(y_pred)
            batch = _batch_size(y_pred) if row_mask is None else _real_rows(row_mask)
            for i, value, weighted in self._compile_loss.per_output(y, y_pred, sample_weight, row_mask=row_mask):
                tracker = self._output_loss_trackers[i] if self._output_loss_trackers else None
                if tracker is not None:  # each output reports its own loss; the total is weighted
                    tracker.update_state(value, sample_weight=batch)
                total = weighted if total is None else total + weighted
        for extra in self.losses:
            extra = ops.cast(extra, "float32" if total is None else total.dtype)
            total = extra if total is None else total + extra
        if total is None:
            if self._compile_loss is None and not self.losses:
                raise ValueError(
                    f"Model '{self.name}' has no loss to compute: give a `loss` to `compile()`, or "
                    "override `train_step` / `compute_loss`.")
            raise ValueError(
                f"Model '{self.name}' was compiled with a loss but received no targets `y`. Pass `y` to "
                "`fit()` (or make the dataset yield `(x, y)`).")
        return total

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Updates the compiled metrics and returns ``get_metrics_result()``."""
        if self._compile_metrics is not None and y is not None:
            self._build_compiled_metrics(y, y_pred)
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    # -- steps ----------------------------------------------------------------------
    def train_step(self, data):
        """One training step on a batch ``data``; returns the logs dict.

        The default computes the loss and its gradients with ``ops.value_and_grad`` and
        applies them with ``self.optimizer.apply_gradients``.
        """
        return self._train_step_rows(data, None)

    def _train_step_rows(self, data, row_mask):
        """The default training step; ``row_mask`` marks a padded batch's real rows."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        trainable = self.trainable_variables
        scale = self.optimizer.scale_loss if self.optimizer is not None else None

        def loss_fn():
            y_pred = self(x, training=True)
            loss = self._loss_of(x, y, y_pred, sample_weight, row_mask, training=True)
            scaled = scale(loss) if scale is not None else loss
            return scaled, (loss, y_pred)

        if trainable:
            (_, (loss, y_pred)), grads = ops.value_and_grad(loss_fn, trainable, has_aux=True)
            if self.optimizer is None:
                raise ValueError(f"Model '{self.name}' has trainable weights but no optimizer; pass one to compile().")
            self.optimizer.apply_gradients(zip(grads, trainable))
        else:
            _, (loss, y_pred) = loss_fn()
        return self._track_step(loss, x, y, y_pred, sample_weight, row_mask)

    def _loss_of(self, x, y, y_pred, sample_weight, row_mask, training):
        if row_mask is None:  # through `compute_loss`, which a subclass may override
            return self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training)
        return self._compute_loss(y, y_pred, sample_weight, row_mask)

    def _track_step(self, loss, x, y, y_pred, sample_weight, row_mask):
        if row_mask is None:
            self._loss_tracker.update_state(loss, sample_weight=_batch_size(y_pred))
            if getattr(self, "_step_logs", True) or type(self).compute_metrics is not Trainer.compute_metrics:
                return self.compute_metrics(x, y, y_pred, sample_weight)
            # The loop reads the metrics once at the end instead of computing logs every step.
            if self._compile_metrics is not None and y is not None:
                self._build_compiled_metrics(y, y_pred)
                self._compile_metrics.update_state(y, y_pred, sample_weight)
            return None
        self._loss_tracker.update_state(loss, sample_weight=_real_rows(row_mask))
        if self._compile_metrics is not None and y is not None:
            self._build_compiled_metrics(y, y_pred)
            self._compile_metrics.update_state(y, y_pred, sample_weight, row_mask=row_mask)
        return self.get_metrics_result()

    def test_step(self, data):
        """One evaluation step on a batch ``data``; returns the logs dict."""
        return self._test_step_rows(data, None)

    def _test_step_rows(self, data, row_mask):
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self._loss_of(x, y, y_pred, sample_weight, row_mask, training=False)
        return self._track_step(loss, x, y, y_pred, sample_weight, row_mask)

    def predict_step(self, data):
        """The model's outputs for a batch ``data``."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    # -- step functions -------------------------------------------------------------
    def make_train_function(self, force=False):
        """The function running one training step, cached as ``self.train_function``.

        It takes a batch ``(x, y[, sample_weight])`` or an iterator yielding batches (it
        takes the next one) and returns the step's logs; the model's variables hold the
        new state afterwards. ``compile()`` clears the cache; ``force=True`` rebuilds it.

        Example:
            >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
            >>> model.compile(optimizer="sgd", loss="mse")
            >>> logs = model.make_train_function()((np.ones((4, 3)), np.ones((4, 1))))
            >>> sorted(logs), int(model.optimizer.iterations.numpy())
            (['loss'], 1)
        """
        if self.train_function is None or force:
            self.train_function = loops.StepFunction(self, "train")
        return self.train_function

    def make_test_function(self, force=False):
        """The function running one evaluation step (as ``make_train_function``); cached as
        ``self.test_function``. Metrics accumulate over calls until ``reset_metrics()``."""
        if self.test_function is None or force:
            self.test_function = loops.StepFunction(self, "test")
        return self.test_function

    def make_predict_function(self, force=False):
        """The function returning the outputs for one batch ``x`` (or the next batch of an
        iterator); cached as ``self.predict_function``."""
        if self.predict_function is None or force:
            self.predict_function = loops.StepFunction(self, "predict")
        return self.predict_function

    # -- loops ----------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Trains the model for ``epochs`` epochs and returns a ``History``.

        Args:
            x, y: inputs and targets: arrays (or lists / dicts of arrays keyed by input and
                output names), or ``x`` alone as a generator, ``PyDataset``, torch
                ``DataLoader`` or ``tf.data.Dataset`` yielding ``(x, y[, sample_weight])``.
            batch_size: samples per step for array data (default 32).
            epochs: the epoch index to stop at.
            verbose: ``"auto"``/1 (progress bar), 2 (one line per epoch) or 0.
            callbacks: ``Callback`` objects.
            validation_split: fraction of the array data (taken from the end) to validate on.
            validation_data: ``(x_val, y_val)`` or ``(x_val, y_val, sample_weight_val)`` or
                a dataset.
            shuffle: shuffle array data each epoch (``"batch"`` shuffles rows within each batch, as Keras 3 does).
            class_weight: ``{class_index: weight}`` multiplying the loss of each class.
            sample_weight: per-sample weights for array data.
            initial_epoch: the epoch to start from (to resume training).
            steps_per_epoch: steps per epoch (default: one pass over the data).
            validation_steps, validation_batch_size, validation_freq: validation controls.

        Example:
            >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2, activation="softmax")])
            >>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
            >>> x, y = np.random.rand(40, 3).astype("float32"), np.random.randint(0, 2, 40)
            >>> history = model.fit(x, y, batch_size=8, epochs=2, validation_split=0.1, verbose=0)
            >>> len(history.history["loss"])
            2
            >>> sorted(history.history)
            ['accuracy', 'loss', 'val_accuracy', 'val_loss']
        """
        return loops.fit(self, x=x, y=y, batch_size=batch_size, epochs=epochs, verbose=verbose,
                         callbacks=callbacks, validation_split=validation_split,
                         validation_data=validation_data, shuffle=shuffle, class_weight=class_weight,
                         sample_weight=sample_weight, initial_epoch=initial_epoch,
                         steps_per_epoch=steps_per_epoch, validation_steps=validation_steps,
                         validation_batch_size=validation_batch_size, validation_freq=validation_freq)

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, **kwargs):
        """Returns the loss and metrics on the given data.

        Returns a scalar (loss only), a list ordered as ``metrics_names``, or with
        ``return_dict=True`` a dict.

        Example:
            >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2, activation="softmax")])
            >>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
            >>> x_test, y_test = np.random.rand(8, 3).astype("float32"), np.random.randint(0, 2, 8)
            >>> loss, acc = model.evaluate(x_test, y_test, verbose=0)
            >>> model.metrics_names, 0.0 <= acc <= 1.0
            (['loss', 'accuracy'], True)
        """
        unknown = set(kwargs) - {"use_multiprocessing", "workers", "max_queue_size"}
        if unknown:
            raise TypeError(f"evaluate() got unexpected keyword arguments: {sorted(unknown)}")
        return loops.evaluate(self, x=x, y=y, batch_size=batch_size, verbose=verbose,
                              sample_weight=sample_weight, steps=steps, callbacks=callbacks,
                              return_dict=return_dict)

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs for ``x`` as NumPy arrays (concatenated over batches).

        Example:
            >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(10)])
            >>> x = np.ones((4, 3), "float32")
            >>> ops.shape(model.predict(x[:1], verbose=0))
            (1, 10)
        """
        return loops.predict(self, x, batch_size=batch_size, verbose=verbose, steps=steps,
                             callbacks=callbacks)

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One training step on one batch; returns the logs (as ``evaluate`` does)."""
        return loops.on_batch(self, "train", x, y, sample_weight, class_weight, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """One evaluation step on one batch (metrics are reset first)."""
        return loops.on_batch(self, "test", x, y, sample_weight, None, return_dict)

    def predict_on_batch(self, x):
        """The outputs for one batch, as NumPy arrays."""
        return loops.predict_on_batch(self, x)


def _batch_size(y_pred):
    leaves = tree.flatten(y_pred)
    if not leaves or not hasattr(leaves[0], "shape") or not leaves[0].shape:
        return None
    return ops.shape(leaves[0])[0]


def _real_rows(row_mask):
    return ops.sum(ops.cast(row_mask, "float32"))


class _CompiledLoss:
    def __init__(self, model):
        self._model = model

    def __call__(self, y, y_pred, sample_weight=None, regularization_losses=None):
        model = self._model
        if model._compile_loss is None:
            raise ValueError(f"Model '{model.name}' was compiled without a loss; `compiled_loss` cannot compute one.")
        model._build_output_trackers(y_pred)
        total = model._compile_loss(y, y_pred, sample_weight, regularization_losses)
        model._loss_tracker.update_state(total, sample_weight=_batch_size(y_pred))
        return total

    @property
    def metrics(self):
        return [self._model._loss_tracker]


class _CompiledMetrics:
    def __init__(self, model):
        self._model = model

    def update_state(self, y, y_pred, sample_weight=None):
        model = self._model
        if model._compile_metrics is None:
            return
        model._build_compiled_metrics(y, y_pred)
        model._compile_metrics.update_state(y, y_pred, sample_weight)

    def reset_state(self):
        if self._model._compile_metrics is not None:
            self._model._compile_metrics.reset_state()

    def result(self):
        metrics = self._model._compile_metrics
        return {} if metrics is None else metrics.result()

    @property
    def metrics(self):
        metrics = self._model._compile_metrics
        return [] if metrics is None else metrics.metrics
