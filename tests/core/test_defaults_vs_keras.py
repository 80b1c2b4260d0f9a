"""Default argument values of lamina's public callables match Keras 3's same-named ones.

Every public function and class in the modules below is compared, parameter by parameter,
with the Keras callable of the same name (``inspect.signature``; for classes the
``__init__`` of each base reached through ``**kwargs`` too). Only parameters both sides
have are compared. Equivalent spellings count as equal: an int ``n`` for a tuple of ``n``s
(``strides=1`` vs ``(1, 1)``). Deliberate differences are listed in ``DELIBERATE`` with
their reason; an entry that no longer differs fails, so the list stays true.
"""

import inspect

import pytest

import lamina
from tests.conftest import keras_or_skip

# lamina module path -> Keras module path (Keras has no public ops.math / ops.core; their
# functions live in keras.ops).
MODULES = {
    "layers": "layers", "ops": "ops", "ops.nn": "ops.nn", "ops.image": "ops.image", "ops.linalg": "ops.linalg",
    "ops.math": "ops", "ops.core": "ops", "ops.numpy": "ops.numpy", "losses": "losses", "metrics": "metrics",
    "optimizers": "optimizers", "optimizers.schedules": "optimizers.schedules", "initializers": "initializers",
    "regularizers": "regularizers", "constraints": "constraints", "callbacks": "callbacks",
    "activations": "activations", "utils": "utils", "random": "random", "saving": "saving", "models": "models",
    "mixed_precision": "mixed_precision", "dtype_policies": "dtype_policies", "applications": "applications",
}

_SAFE_MODE_NONE = (
    "None means 'the enclosing SafeModeScope, True outside one'; Keras's True is also overridden by an "
    "enclosing scope, so both refuse unsafe code unless a scope or the caller allows it")
DELIBERATE = {
    "saving.deserialize_keras_object.safe_mode": _SAFE_MODE_NONE,
    "utils.deserialize_keras_object.safe_mode": _SAFE_MODE_NONE,
}

_MISSING = object()


def _resolve(root, path):
    obj = root
    for part in path.split("."):
        obj = getattr(obj, part, _MISSING)
        if obj is _MISSING:
            return None
    return obj


def _parameters(obj):
    """name -> default (``inspect.Parameter.empty`` when required), following ``**kwargs`` to bases."""
    try:
        if not inspect.isclass(obj):
            sig = inspect.signature(obj)
            return {n: p.default for n, p in sig.parameters.items() if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)}
        out = {}
        for klass in obj.__mro__:
            if "__init__" not in vars(klass):
                continue
            params = inspect.signature(klass.__init__).parameters
            for n, p in params.items():
                if n != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
                    out.setdefault(n, p.default)
            if not any(p.kind == p.VAR_KEYWORD for p in params.values()):
                break
        return out
    except (TypeError, ValueError):
        return None


def _same(ours, theirs):
    if isinstance(ours, int) and isinstance(theirs, (tuple, list)) and theirs:
        return all(_same(ours, t) for t in theirs)
    if isinstance(theirs, int) and isinstance(ours, (tuple, list)) and ours:
        return all(_same(o, theirs) for o in ours)
    if type(ours) is not type(theirs) and not (isinstance(ours, (int, float)) and isinstance(theirs, (int, float))):
        return ours is theirs or (isinstance(ours, (tuple, list)) and isinstance(theirs, (tuple, list))
                                  and list(ours) == list(theirs))
    try:
        return bool(ours == theirs)
    except Exception:  # noqa: BLE001 - objects without a usable ==
        return repr(ours) == repr(theirs)


def _differences(keras):
    found = {}
    for ours_path, theirs_path in MODULES.items():
        ours_mod, theirs_mod = _resolve(lamina, ours_path), _resolve(keras, theirs_path)
        assert ours_mod is not None, f"lamina.{ours_path} is missing"
        assert theirs_mod is not None, f"keras.{theirs_path} is missing"
        for name in sorted(dir(ours_mod)):
            ours, theirs = getattr(ours_mod, name), getattr(theirs_mod, name, None)
            if name.startswith("_") or theirs is None or not callable(ours) or not callable(theirs):
                continue
            ours_params, theirs_params = _parameters(ours), _parameters(theirs)
            if ours_params is None or theirs_params is None:
                continue
            for param, theirs_default in theirs_params.items():
                if param not in ours_params:
                    continue
                ours_default = ours_params[param]
                if not _same(ours_default, theirs_default):
                    show = lambda d: "<required>" if d is inspect.Parameter.empty else repr(d)  # noqa: E731
                    found[f"{ours_path}.{name}.{param}"] = f"lamina {show(ours_default)}, Keras {show(theirs_default)}"
    return found


@pytest.fixture(scope="module")
def differences():
    return _differences(keras_or_skip())


def test_defaults_match_keras(differences):
    unexplained = {k: v for k, v in differences.items() if k not in DELIBERATE}
    assert not unexplained, "Defaults that differ from Keras 3:\n" + "\n".join(
        f"  {k}: {v}" for k, v in sorted(unexplained.items()))


def test_every_deliberate_difference_is_still_a_difference(differences):
    stale = sorted(set(DELIBERATE) - set(differences))
    assert not stale, f"These no longer differ from Keras; remove them from DELIBERATE: {stale}"


def _positional_names(obj):
    try:
        params = inspect.signature(obj.__init__ if inspect.isclass(obj) else obj).parameters
    except (TypeError, ValueError):
        return None
    return [n for n, p in params.items() if n != "self" and p.kind == p.POSITIONAL_OR_KEYWORD]


def _renamed(keras):
    """Parameters in the same position that lamina and Keras name differently, so keyword calls fail."""
    found = {}
    for ours_path, theirs_path in MODULES.items():
        ours_mod, theirs_mod = _resolve(lamina, ours_path), _resolve(keras, theirs_path)
        for name in sorted(dir(ours_mod)):
            ours, theirs = getattr(ours_mod, name), getattr(theirs_mod, name, None)
            if name.startswith("_") or theirs is None or not callable(ours) or not callable(theirs):
                continue
            ours_names, theirs_names = _positional_names(ours), _positional_names(theirs)
            if ours_names is None or theirs_names is None:
                continue
            for o, t in zip(ours_names, theirs_names):
                if o != t and o not in theirs_names and t not in ours_names:
                    found[f"{ours_path}.{name}"] = f"lamina {o!r}, Keras {t!r}"
    return found


def test_parameter_names_match_keras():
    renamed = _renamed(keras_or_skip())
    assert not renamed, "Parameters named differently from Keras 3:\n" + "\n".join(
        f"  {k}: {v}" for k, v in sorted(renamed.items()))


def test_the_comparison_sees_the_callables_it_should():
    keras = keras_or_skip()
    # A difference planted in a copy of a real signature is found, and equivalent spellings are not.
    assert not _same(0.01, 0.0) and _same(1, (1, 1)) and _same((2, 2), 2) and _same(None, None)
    assert not _same(1, None) and not _same("float32", None)
    ours = _parameters(lamina.layers.Dense)
    assert ours["use_bias"] is True and "trainable" in ours  # reached through **kwargs to Layer
    theirs = _parameters(keras.optimizers.Adam)
    assert theirs["learning_rate"] == 0.001 and "weight_decay" in theirs
    assert _positional_names(lamina.ops.bitwise_and) == _positional_names(keras.ops.bitwise_and) == ["x", "y"]
    assert _positional_names(lamina.ops.rot90)[0] == "array" and _positional_names(lamina.ops.diff)[0] == "a"
