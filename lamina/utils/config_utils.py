"""``Config``: a dict of named settings with attribute access, JSON export and freezing."""

import difflib
import json

_OWN = ("_values", "_frozen")


class Config:
    """Named values read and set as attributes or as dict items; ``freeze()`` makes it read-only.

    Args:
        **kwargs: the initial entries.

    Example:
        >>> config = lamina.utils.Config(learning_rate=0.1)
        >>> config.momentum = 0.9
        >>> config["seed"] = 1
        >>> config.learning_rate, config["momentum"], sorted(config)
        (0.1, 0.9, ['learning_rate', 'momentum', 'seed'])
        >>> config.freeze()
        >>> config.seed = 2
        Traceback (most recent call last):
        ...
        ValueError: Config: cannot set 'seed' because the config is frozen (call unfreeze() first).
    """

    def __init__(self, **kwargs):
        object.__setattr__(self, "_values", dict(kwargs))
        object.__setattr__(self, "_frozen", False)

    @property
    def frozen(self):
        """Whether changes are refused."""
        return self._frozen

    def freeze(self):
        """Refuses every later change (set, update, pop, delete)."""
        object.__setattr__(self, "_frozen", True)

    def unfreeze(self):
        """Allows changes again."""
        object.__setattr__(self, "_frozen", False)

    def _check_mutable(self, what):
        if self._frozen:
            raise ValueError(f"Config: cannot {what} because the config is frozen (call unfreeze() first).")

    def as_dict(self):
        """A shallow copy of the entries as a plain dict."""
        return dict(self._values)

    def to_json(self):
        """The entries as a JSON string."""
        return json.dumps(self._values)

    def keys(self):
        return self._values.keys()

    def values(self):
        return self._values.values()

    def items(self):
        return self._values.items()

    def get(self, keyname, value=None):
        return self._values.get(keyname, value)

    def pop(self, *args):
        self._check_mutable(f"pop {args[0]!r}" if args else "pop")
        return self._values.pop(*args)

    def update(self, *args, **kwargs):
        self._check_mutable("update it")
        self._values.update(*args, **kwargs)

    def __getattr__(self, name):
        values = object.__getattribute__(self, "_values")
        if name in values:
            return values[name]
        hint = difflib.get_close_matches(name, [str(k) for k in values], n=1, cutoff=0.7)
        raise AttributeError(f"Config has no entry {name!r}." + (f" Did you mean {hint[0]!r}?" if hint else ""))

    def __setattr__(self, name, value):
        if name in _OWN or hasattr(type(self), name):
            raise AttributeError(f"Config: {name!r} is a Config attribute and cannot be set as an entry.")
        self._check_mutable(f"set {name!r}")
        self._values[name] = value

    def __getitem__(self, key):
        return self._values[key]

    def __setitem__(self, key, value):
        self._check_mutable(f"set {key!r}")
        self._values[key] = value

    def __delitem__(self, key):
        self._check_mutable(f"delete {key!r}")
        del self._values[key]

    def __contains__(self, key):
        return key in self._values

    def __iter__(self):
        return iter(sorted(self._values))

    def __len__(self):
        return len(self._values)

    def __repr__(self):
        return f"<Config {self._values}>"
