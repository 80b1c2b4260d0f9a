"""Every public name of Keras 3 exists in lamina, or is listed below with a reason.

The test walks the public namespaces of the installed Keras (``keras``, ``keras.layers``,
``keras.ops.numpy``, ``keras.applications.resnet`` ... every public submodule) and looks each
name up in the matching lamina namespace. A missing name fails the test unless it is in
``DELIBERATE`` (lamina leaves it out on purpose) or ``IN_PROGRESS`` (open work owns it; it is
printed, not failed). ``-s`` shows the per-namespace table.
"""

import types

import pytest

import lamina
from tests.conftest import keras_or_skip

# Whole Keras namespaces that this test does not cover, and why.
EXCLUDED_NAMESPACES = {
    "src": "Keras's implementation modules, not public API",
    "distribution": "covered by the distribution issue (separate work)",
    "export": "covered by the export issue (separate work)",
}

# "namespace.name" -> why lamina leaves it out.
DELIBERATE = {
    # TensorFlow-only
    "layers.TFSMLayer": "wraps a TensorFlow SavedModel; TensorFlow is not a lamina backend",
    # Keras 3 keeps these names only to raise ImportError when used
    "optimizers.legacy": "Keras 3 raises ImportError on every keras.optimizers.legacy class (tf.keras 2 only)",
    # Switches that would do nothing in lamina
    "config.set_backend": "the engine is chosen once, at import, by LAMINA_BACKEND; switching a live process "
                          "would leave every existing layer on the old engine",
    "config.enable_traceback_filtering": "lamina does not rewrite tracebacks, so there is nothing to switch",
    "config.disable_traceback_filtering": "as enable_traceback_filtering",
    "config.is_traceback_filtering_enabled": "as enable_traceback_filtering",
    "config.enable_flash_attention": "lamina's attention runs one plain kernel; the switch would be ignored",
    "config.disable_flash_attention": "as enable_flash_attention",
    "config.is_flash_attention_enabled": "as enable_flash_attention",
    "config.is_nnx_enabled": "lamina layers are not Flax NNX modules (FlaxLayer wraps Flax code instead)",
    "callbacks.OrbaxCheckpoint": "needs the JAX-only orbax-checkpoint library; ModelCheckpoint and "
                                 "lamina.Checkpoint cover both backends",
    # Keras's symbolic-op machinery: lamina records ops applied to KerasTensors as OpLayer nodes
    # of the Functional graph, so there is no separate Operation/Function/SymbolicScope layer.
    "Operation": "ops on symbolic tensors become Layer nodes (OpLayer); Layer is lamina's graph node class",
    "Function": "a graph of KerasTensors is run by Functional (lamina.Model(inputs, outputs))",
    "SymbolicScope": "lamina has no symbolic-scope mode: shape inference runs ops on KerasTensors directly",
}

# "namespace.name" -> the open work that owns it (printed, not failed; remove an entry once it lands).
IN_PROGRESS = {
    "layers.ContrastLimitedAdaptiveHistogramEqualization": "augmentation layers",
    "layers.MaxNumBoundingBoxes": "augmentation layers",
    "optimizers.MultiOptimizer": "optimizers",
    "optimizers.OptimizerMap": "optimizers",
    "dtype_policies.AWQDTypePolicy": "quantization",
    "dtype_policies.GPTQDTypePolicy": "quantization",
    "quantizers.AWQConfig": "quantization",
    "quantizers.GPTQConfig": "quantization",
    "utils.FeatureSpace": "dataset_from_directory / FeatureSpace",
}

# Missing with no open work yet: printed, not failed, so that the gap stays visible until an
# issue takes it (listed in the report of the coverage issue).
UNOWNED = {
    "layers.ReversibleEmbedding": "an Embedding whose transpose is a projection (KerasHub-style)",
    "utils.bounding_boxes": "bounding-box format conversion, IoU and box encoding ops",
    "visualization": "drawing boxes/masks and image galleries (matplotlib)",
    "distillation": "knowledge-distillation model and losses (added in Keras 3.12)",
}

# The namespaces most Keras code uses must hold at least MIN_CORE_SHARE of Keras's names, and
# all namespaces together MIN_TOTAL_SHARE (deliberate absences are taken out of the count;
# in-progress and unowned names count as missing).
CORE = ("keras", "activations", "backend", "callbacks", "config", "constraints", "initializers", "layers",
        "losses", "metrics", "models", "ops", "ops.image", "ops.linalg", "ops.nn", "ops.numpy", "optimizers",
        "optimizers.schedules", "random", "regularizers", "saving", "tree", "utils")
MIN_CORE_SHARE = 0.9
MIN_TOTAL_SHARE = 0.9


def _keras_namespaces(keras):
    """``{"": keras, "layers": keras.layers, "ops.numpy": ..., ...}`` for every public submodule."""
    found = {}

    def walk(module, path):
        found[path] = module
        for name in sorted(dir(module)):
            value = getattr(module, name, None)
            if name.startswith("_") or not isinstance(value, types.ModuleType):
                continue
            if not value.__name__.startswith("keras.") or value.__name__.split(".")[1] in ("src", "_tf_keras"):
                continue
            sub = f"{path}.{name}" if path else name
            if sub.split(".")[0] not in EXCLUDED_NAMESPACES and sub not in found:
                walk(value, sub)

    walk(keras, "")
    return found


def _lamina_namespace(path):
    namespace = lamina
    for part in path.split(".") if path else []:
        namespace = getattr(namespace, part, None)
        if namespace is None:
            return None
    return namespace


def _listed(path, name, table):
    """The entry of ``table`` covering ``path.name`` (the name or a namespace above it)."""
    key = f"{path}.{name}" if path else name
    parts = key.split(".")
    for i in range(len(parts), 0, -1):
        prefix = ".".join(parts[:i])
        if prefix in table:
            return prefix
    return None


def _survey():
    keras = keras_or_skip()
    rows = []
    for path, module in sorted(_keras_namespaces(keras).items()):
        ours = _lamina_namespace(path)
        names = sorted(n for n in dir(module) if not n.startswith("_"))
        row = {"path": path or "keras", "total": 0, "present": 0, "deliberate": [], "in_progress": [],
               "unowned": [], "missing": []}
        for name in names:
            if not path and name in EXCLUDED_NAMESPACES:
                continue
            row["total"] += 1
            if ours is not None and hasattr(ours, name):
                row["present"] += 1
            elif _listed(path, name, DELIBERATE):
                row["deliberate"].append(name)
            elif _listed(path, name, IN_PROGRESS):
                row["in_progress"].append(name)
            elif _listed(path, name, UNOWNED):
                row["unowned"].append(name)
            else:
                row["missing"].append(name)
        counted = row["total"] - len(row["deliberate"])
        row["share"] = row["present"] / counted if counted else 1.0
        rows.append(row)
    return rows


def _table(rows):
    lines = [f"{'namespace':34} {'have':>5} {'of':>5} {'share':>7}  deliberate  in progress  unowned"]
    for r in rows:
        counted = r["total"] - len(r["deliberate"])
        lines.append(f"{r['path']:34} {r['present']:5d} {counted:5d} {r['share']:7.1%}  {len(r['deliberate']):10d}"
                     f"  {len(r['in_progress']):11d}  {len(r['unowned']):7d}")
    present = sum(r["present"] for r in rows)
    counted = sum(r["total"] - len(r["deliberate"]) for r in rows)
    lines.append(f"{'all':34} {present:5d} {counted:5d} {present / counted:7.1%}")
    return "\n".join(lines), present / counted


@pytest.fixture(scope="module")
def survey():
    return _survey()


def test_every_keras_name_exists_or_is_listed(survey):
    table, _ = _table(survey)
    print("\n" + table)
    for label in ("in_progress", "unowned"):
        listed = [f"{r['path']}.{n}" for r in survey for n in r[label]]
        if listed:
            print(f"\n{label.replace('_', ' ')} ({len(listed)}): " + ", ".join(listed))
    missing = [f"{r['path']}.{n}" for r in survey for n in r["missing"]]
    assert not missing, (
        "Keras names missing from lamina (add them, or list them in DELIBERATE with a reason or in "
        f"IN_PROGRESS with the owning work): {missing}")


def test_listed_absences_are_still_absent(survey):
    keras = keras_or_skip()
    namespaces = _keras_namespaces(keras)
    stale = []
    for key in DELIBERATE:
        path, _, name = key.rpartition(".")
        ours = _lamina_namespace(path)
        if ours is not None and hasattr(ours, name):
            stale.append(key)
        elif path not in namespaces or not hasattr(namespaces[path], name):
            stale.append(f"{key} (not in Keras {keras.__version__})")
    assert not stale, f"DELIBERATE entries that lamina has now or Keras lacks; remove them: {stale}"
    landed = [key for key in (*IN_PROGRESS, *UNOWNED)
              if _lamina_namespace(key.rpartition(".")[0]) is not None
              and hasattr(_lamina_namespace(key.rpartition(".")[0]), key.rpartition(".")[2])]
    if landed:
        print(f"\nLanded; remove from IN_PROGRESS/UNOWNED: {landed}")


def test_shares(survey):
    table, total = _table(survey)
    low = [f"{r['path']} ({r['share']:.0%})" for r in survey if r["path"] in CORE and r["share"] < MIN_CORE_SHARE]
    assert not low, f"Core namespaces below {MIN_CORE_SHARE:.0%} of Keras's names: {low}\n{table}"
    assert total >= MIN_TOTAL_SHARE, f"lamina has {total:.1%} of Keras's public names:\n{table}"
