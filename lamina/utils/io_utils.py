"""Where lamina's messages go: standard output (interactive logging, the default) or the
``lamina`` logger of Python's ``logging`` module (for runs whose output is collected as logs)."""

import logging
import sys

_interactive = {"enabled": True}
_logger = logging.getLogger("lamina")


def enable_interactive_logging():
    """Progress bars, ``summary()`` and callback messages write to standard output (the default)."""
    _interactive["enabled"] = True


def disable_interactive_logging():
    """Progress bars, ``summary()`` and callback messages go to the ``lamina`` logger at INFO
    level instead of standard output; progress bars write only finished lines.

    Example:
        >>> lamina.config.disable_interactive_logging()
        >>> lamina.config.is_interactive_logging_enabled()
        False
        >>> lamina.config.enable_interactive_logging()
    """
    _interactive["enabled"] = False


def is_interactive_logging_enabled():
    """Whether messages are written to standard output (True) or to the ``lamina`` logger."""
    return _interactive["enabled"]


def print_msg(message, line_break=True):
    """Writes ``message`` to standard output, or logs it when interactive logging is off."""
    if _interactive["enabled"]:
        sys.stdout.write(message + ("\n" if line_break else ""))
        sys.stdout.flush()
    else:
        _logger.info(message)
