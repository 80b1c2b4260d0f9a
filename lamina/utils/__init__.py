"""``lamina.utils``: seeds, session reset, and small helpers."""

from lamina.utils.misc import clear_session, set_random_seed
