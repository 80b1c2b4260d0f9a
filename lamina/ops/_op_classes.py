"""The op registry: Keras 3 op classes <-> lamina op functions, for Functional graph files.

Loading resolves an op node only through this table (and a lamina op's public name for
lamina's own ``OpLayer`` nodes); no name from a file is ever imported.

Example:
    >>> spec = keras_op("keras.src.ops.numpy", "Mean")
    >>> spec.function_name, spec.call_params
    ('mean', ('x',))
"""

import ast
import inspect
import re

from lamina.ops._keras_op_names import KERAS_OPS

KERAS_OP_PREFIX = "keras.src.ops."
# The lamina.ops namespaces an op name may be looked up in (never anything else).
OP_FAMILIES = ("numpy", "nn", "core", "math", "image", "linalg")

_ENTRY = re.compile(r"^(\w+)\(([^)]*)\)\s*(.*)$")


class OpSpec:
    """One Keras op class: the lamina op it maps to and how its arguments are split.

    Args:
        module: the Keras module written in files (``"keras.src.ops.numpy"``).
        class_name: the Keras class name (``"Mean"``).
        function_name: the lamina op's public name in ``lamina.ops.<family>``.
        call_params: Keras's call parameter names, in order (``"*operands"`` for varargs).
        renames: Keras parameter name -> lamina parameter name, where they differ.
        keras_only: constructor arguments lamina lacks -> the value under which they are inert.
    """

    def __init__(self, module, class_name, function_name, call_params, renames, keras_only):
        self.module = module
        self.class_name = class_name
        self.function_name = function_name
        self.call_params = tuple(call_params)
        self.renames = dict(renames)
        self.keras_only = dict(keras_only)

    @property
    def function(self):
        return _lamina_op(self.module[len(KERAS_OP_PREFIX):], self.function_name)

    def lamina_name(self, keras_name):
        return self.renames.get(keras_name, keras_name)

    def keras_name(self, lamina_name):
        for keras, lamina in self.renames.items():
            if lamina == lamina_name:
                return keras
        return lamina_name

    def config_to_kwargs(self, config):
        """Constructor config (as Keras wrote it) -> the lamina op's keyword arguments."""
        kwargs = {}
        params = inspect.signature(self.function).parameters
        for key, value in config.items():
            if key in self.keras_only:
                if value == self.keras_only[key]:
                    continue
                raise ValueError(
                    f"Op {self.class_name} ({self.module}): lamina's ops.{self.function_name} does not support "
                    f"{key}={value!r}; only {key}={self.keras_only[key]!r} can be loaded."
                )
            name = self.lamina_name(key)
            if name not in params or name in self.call_params:
                raise ValueError(
                    f"Op {self.class_name} ({self.module}): unknown constructor argument {key!r}. Expected one "
                    f"of {sorted(p for p in params if p not in self.call_params)}. Received: {key}={value!r}"
                )
            kwargs[name] = value
        return kwargs


def _parse(family, class_name, text):
    match = _ENTRY.match(text)
    if match is None:
        raise ValueError(f"Malformed op table entry {class_name!r}: {text!r}")
    function_name, params, tail = match.groups()
    call_params, renames = [], {}
    for item in filter(None, (p.strip() for p in params.split(","))):
        keras, _, lamina = item.partition("->")
        call_params.append(keras)
        if lamina:
            renames[keras.lstrip("*")] = lamina
    keras_only = {}
    for pair in tail.split():
        key, _, value = pair.partition("=")
        keras_only[key] = ast.literal_eval(value)
    return OpSpec(KERAS_OP_PREFIX + family, class_name, function_name, call_params, renames, keras_only)


_BY_CLASS = {}
for _family, _entries in KERAS_OPS.items():
    for _class_name, _text in _entries.items():
        _BY_CLASS[(KERAS_OP_PREFIX + _family, _class_name)] = _parse(_family, _class_name, _text)
del _family, _entries, _class_name, _text
_BY_FUNCTION = None


def is_op_module(module):
    """Whether a file's ``module`` names a Keras op family (``keras.src.ops.numpy`` ...)."""
    return isinstance(module, str) and module.startswith(KERAS_OP_PREFIX) and \
        module[len(KERAS_OP_PREFIX):] in OP_FAMILIES


def keras_op(module, class_name):
    """The ``OpSpec`` for a Keras op class, or None when lamina has no op for it."""
    return _BY_CLASS.get((module, class_name))


def spec_for_function(fn):
    """The ``OpSpec`` lamina writes for op function ``fn``, or None when Keras has no class for it."""
    global _BY_FUNCTION
    if _BY_FUNCTION is None:
        table = {}
        for spec in _BY_CLASS.values():
            target = spec.function
            current = table.get(target)
            # Several classes can share one lamina op (Abs and Absolute); prefer the one named after it.
            if current is None or (_snake(spec.class_name) == target.__name__ != _snake(current.class_name)):
                table[target] = spec
        # Symbolic calls arrive with the function inside lamina's dispatch wrapper.
        table.update({target.__wrapped__: spec for target, spec in list(table.items())
                      if hasattr(target, "__wrapped__")})
        _BY_FUNCTION = table
    return _BY_FUNCTION.get(fn)


def _same_op(public, fn):
    return public is fn or getattr(public, "__wrapped__", None) is fn


def _snake(name):
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def _lamina_op(family, name):
    from lamina import ops

    namespace = getattr(ops, family)
    fn = getattr(namespace, name, None)
    if fn is None:
        fn = getattr(ops, name, None)
    if fn is None or isinstance(fn, type) or not callable(fn):
        raise LookupError(f"lamina.ops has no op {family}.{name}")
    return fn


def public_op(name):
    """A lamina op by its public name (``"not_equal"`` or ``"image.resize"``), or None.

    Only functions defined in ``lamina.ops`` are returned: a name is never imported.
    """
    if not isinstance(name, str) or name.startswith("_"):
        return None
    from lamina import ops

    family, _, short = name.rpartition(".")
    if family and family not in OP_FAMILIES:
        return None
    namespace = getattr(ops, family) if family else ops
    fn = getattr(namespace, short, None) if not short.startswith("_") else None
    if fn is None or isinstance(fn, type) or not callable(fn):
        return None
    module = str(getattr(fn, "__module__", ""))
    if not (module == "lamina.ops" or module.startswith("lamina.ops.")) or "._" in module[len("lamina"):]:
        return None  # only ops defined in lamina.ops' public modules, never helpers it imports
    return fn


def public_op_name(fn):
    """The name ``public_op`` finds ``fn`` under, or None if it is not a public lamina op."""
    from lamina import ops

    name = getattr(fn, "__name__", None)
    if name and _same_op(getattr(ops, name, None), fn):
        return name
    for family in OP_FAMILIES:
        if name and _same_op(getattr(getattr(ops, family), name, None), fn):
            return f"{family}.{name}"
    return None


def bind_call(spec, fn, args, kwargs):
    """Splits a lamina op call into (call args, call kwargs, constructor config) in Keras's form.

    Returns None when the call cannot be written in Keras's form (a symbolic tensor in a
    constructor argument).
    """
    from lamina.backend import any_symbolic

    sig = inspect.signature(fn)
    try:
        bound = sig.bind(*args, **kwargs)
    except TypeError:
        return None
    arguments = dict(bound.arguments)
    call_args, call_kwargs, config = [], {}, {}
    positional = True
    for param in spec.call_params:
        if param.startswith("*"):
            call_args.extend(arguments.pop(spec.lamina_name(param[1:]), ()))
            continue
        lamina = spec.lamina_name(param)
        if lamina in arguments:
            value = arguments.pop(lamina)
            if positional:
                call_args.append(value)
            else:
                call_kwargs[param] = value
        else:
            positional = False
    for name, value in arguments.items():
        kind = sig.parameters[name].kind
        if kind == inspect.Parameter.VAR_KEYWORD:
            return None
        if any_symbolic([value]):
            return None
        config[spec.keras_name(name)] = value
    return call_args, call_kwargs, config


def invoke(spec, fn, config, args, kwargs):
    """Calls lamina op ``fn`` with a Keras node's call arguments and constructor config."""
    named = dict(config)
    varargs = ()
    params = list(spec.call_params)
    args = list(args)
    for param in params:
        if not args:
            break
        if param.startswith("*"):
            varargs = tuple(args)
            args = []
            break
        named[spec.lamina_name(param)] = args.pop(0)
    if args:
        raise TypeError(
            f"Op {spec.class_name}: expected at most {len(params)} call arguments ({', '.join(params)}). "
            f"Received: {len(params) + len(args)}"
        )
    for key, value in kwargs.items():
        named[spec.lamina_name(key.lstrip("*"))] = value
    return _call_with(fn, named, varargs)


def _call_with(fn, named, varargs):
    sig = inspect.signature(fn)
    has_varargs = any(p.kind == p.VAR_POSITIONAL for p in sig.parameters.values())
    positional, keywords = [], {}
    for name, param in sig.parameters.items():
        if param.kind == param.VAR_POSITIONAL:
            positional.extend(varargs)
            has_varargs = False  # later parameters are keyword-only
        elif name in named:
            if param.kind == param.POSITIONAL_ONLY or (has_varargs and param.kind == param.POSITIONAL_OR_KEYWORD):
                positional.append(named.pop(name))
            else:
                keywords[name] = named.pop(name)
    if named:
        raise TypeError(f"ops.{fn.__name__}: unexpected arguments {sorted(named)}. "
                        f"Expected: {list(sig.parameters)}")
    return fn(*positional, **keywords)
