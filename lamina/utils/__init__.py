"""``lamina.utils``: seeds, session reset, and small helpers."""

from lamina.utils.misc import clear_session, set_random_seed
from lamina.utils.file_utils import get_file, validate_file
from lamina.utils.summary_utils import print_summary
