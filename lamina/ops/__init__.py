"""``lamina.ops``: the backend-neutral op namespace (NumPy-like, nn, core, linalg, image)."""

from lamina.ops.core import *  # noqa: F401,F403
from lamina.ops.nn import *  # noqa: F401,F403
from lamina.ops.numpy import *  # noqa: F401,F403
from lamina.ops.numpy import abs, all, any, max, min, round, sum  # noqa: F401
from lamina.ops.nn_conv import *  # noqa: F401,F403
from lamina.ops.math import *  # noqa: F401,F403
from lamina.ops.linalg import *  # noqa: F401,F403
from lamina.ops.core import map, slice  # noqa: F401
from lamina.ops.einops import rearrange  # noqa: F401
from lamina.ops import core, image, linalg, math, nn, nn_conv, numpy  # noqa: F401
