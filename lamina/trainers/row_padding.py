"""Padding a partial last batch to full size, so one compiled step serves every batch.

A compiled step is specialized to the batch's shape: the 2 samples left over at the end of
an epoch of 692 would compile a second program (about 0.3 s on a small CPU, every new
remainder again). Instead the partial batch is filled up with copies of one of its rows and
the default steps get a *row mask*: padded rows get weight 0 in the metrics, the loss is
averaged over the real rows only, and the ``loss`` tracker counts real rows. The results
are those of the unpadded batch.

That is only exact when a padded row cannot change a real row's result: the default
``train_step`` / ``test_step``, built-in layers that treat rows independently (no
BatchNormalization in training, no activity regularizers, no user code inside), and
built-in losses and metrics for which a row of weight 0 counts for nothing. Everything else
keeps the unpadded partial batch.
"""

from lamina import ops

# Layers whose loss depends on the batch's size (besides those marked `_mixes_batch_rows`,
# whose outputs for one row depend on other rows while training).
_TRAINING_COUPLED = {"ActivityRegularization"}
# Layers that run user code or arbitrary ops (their row independence is unknown).
_OPAQUE = {"Lambda", "OpLayer", "TorchModuleWrapper", "JaxLayer", "FlaxLayer"}
# Losses computed over the whole batch at once.
_BATCH_LOSSES = {"Dice", "Tversky", "dice", "tversky"}
_REDUCTIONS = {"sum_over_batch_size", "mean", "sum", "mean_with_sample_weight"}


def _ours(obj):
    return type(obj).__module__.startswith("lamina.")


def _function_is_ours(fn):
    return getattr(fn, "__module__", "") and fn.__module__.startswith("lamina.")


def _layers_ok(model, training):
    from lamina.models.functional import Functional
    from lamina.models.sequential import Sequential

    if type(model) not in (Sequential, Functional):
        return False  # a subclassed model's `call` is user code
    for layer in model._flatten_layers(include_self=False):
        name = type(layer).__name__
        coupled = name in _TRAINING_COUPLED or getattr(layer, "_mixes_batch_rows", False)
        if not _ours(layer) or name in _OPAQUE or (training and coupled):
            return False
        if getattr(layer, "activity_regularizer", None) is not None or getattr(layer, "stateful", False):
            return False
        for attr in ("activation", "recurrent_activation"):
            fn = getattr(layer, attr, None)
            if callable(fn) and not _function_is_ours(fn) and not _ours(fn):
                return False
    return True


def _loss_ok(loss):
    from lamina.losses.loss import LossFunctionWrapper

    if loss is None:
        return True
    if not _ours(loss) or type(loss).__name__ in _BATCH_LOSSES:
        return False
    if getattr(loss, "reduction", None) not in _REDUCTIONS or getattr(loss, "ignore_class", None) is not None:
        return False
    if isinstance(loss, LossFunctionWrapper):
        fn = loss.fn
        if not _function_is_ours(fn) or getattr(fn, "__name__", "") in _BATCH_LOSSES:
            return False
        if loss._fn_kwargs.get("ignore_class") is not None:
            return False
    return True


def _metric_ok(metric):
    from lamina.metrics.auc import AUC
    from lamina.metrics.confusion import _AtConstraintBase, _ConditionCount, _PrecisionRecallBase
    from lamina.metrics.reduction import Mean, MeanMetricWrapper, Sum

    if not _ours(metric) or not isinstance(metric, (Mean, Sum, AUC, _ConditionCount, _PrecisionRecallBase,
                                                    _AtConstraintBase)):
        return False
    if isinstance(metric, MeanMetricWrapper):
        return _function_is_ours(metric._fn) and metric._fn_kwargs.get("ignore_class") is None
    return True


def overridden(model, name):
    """Whether ``model``'s class overrides the Trainer's method ``name``."""
    from lamina.trainers.trainer import Trainer

    return getattr(type(model), name) is not getattr(Trainer, name)


def can_pad(model, mode):
    """Whether ``model``'s ``mode`` ("train" / "test") step may run on padded batches."""
    step = {"train": "train_step", "test": "test_step"}.get(mode)
    if step is None or any(overridden(model, n) for n in (step, "compute_loss", "compute_metrics")):
        return False
    if not _layers_ok(model, training=mode == "train"):
        return False
    compile_loss = model._compile_loss
    if compile_loss is not None and (not compile_loss.built or not all(_loss_ok(l) for l in compile_loss.losses)):
        return False
    compile_metrics = model._compile_metrics
    if compile_metrics is not None and (not compile_metrics.built or not all(_metric_ok(m) for m in compile_metrics.metrics)):
        return False
    return True


def masked_step(model, mode):
    """The default ``mode`` step taking ``(data, row_mask)``."""
    if mode == "train":
        return lambda unit: model._train_step_rows(unit[0], unit[1])
    return lambda unit: model._test_step_rows(unit[0], unit[1])


def weight_rows(sample_weight, row_mask, scale=None, rank=1):
    """``sample_weight`` times the row mask (and ``scale``), broadcast over the trailing axes
    of ``sample_weight``; without sample weights, the mask shaped ``(batch, 1, ...)`` to
    ``rank`` axes."""
    weights = ops.cast(row_mask, "float32")
    if scale is not None:
        weights = weights * scale
    if sample_weight is None:
        return ops.reshape(weights, (weights.shape[0],) + (1,) * (max(1, rank) - 1))
    sample_weight = ops.convert_to_tensor(sample_weight)
    weights = ops.cast(weights, sample_weight.dtype)
    shape = (weights.shape[0],) + (1,) * (len(sample_weight.shape) - 1)
    return sample_weight * ops.reshape(weights, shape)


def loss_weights(sample_weight, row_mask, reduction, rank):
    """The sample weights that make ``reduction`` over a padded batch equal the reduction
    over its real rows: averaging reductions divide by the padded size, so real rows are
    scaled up by ``padded / real``. ``rank``: that of the loss's per-sample values."""
    scale = None
    if reduction in ("sum_over_batch_size", "mean"):
        mask = ops.cast(row_mask, "float32")
        scale = ops.cast(mask.shape[0], "float32") / ops.maximum(ops.sum(mask), 1.0)
    return weight_rows(sample_weight, row_mask, scale, rank)
