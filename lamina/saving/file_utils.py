"""Crash-safe writes: a temp file in the same folder, fsync, then an atomic rename.

Temp files are named ``.<name>.<pid>-<random>.tmp`` next to the target and created with
the permissions an ordinary ``open`` would give (``0o666`` less the umask), so a saved
file reads as any other file the user writes. A save killed midway leaves its temp file
behind; the next save to the same path removes such leftovers (see ``_remove_stale``).
"""

import contextlib
import os
import re
import secrets
import shutil
import time

# A leftover whose writer is gone (its pid is not alive here) is removed after this many
# seconds; any leftover, whatever its pid says (another host, a reused pid), after _ANY_AGE.
_DEAD_WRITER_AGE = 60.0
_ANY_AGE = 3600.0


def _fsync_dir(directory):
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # some platforms cannot open folders; the rename is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _temp_name(path, suffix=".tmp"):
    directory, base = os.path.split(os.path.abspath(path))
    return os.path.join(directory, f".{base}.{os.getpid()}-{secrets.token_hex(4)}{suffix}")


def _make_temp_file(path):
    """Creates an empty temp file next to ``path`` with mode ``0o666`` less the umask (an
    O_EXCL create, so two writers never share one)."""
    while True:
        tmp = _temp_name(path)
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            return tmp
        except FileExistsError:
            continue


def _make_temp_dir(path, suffix=".tmp"):
    while True:
        tmp = _temp_name(path, suffix)
        try:
            os.mkdir(tmp, 0o777)  # less the umask, as for any folder the user makes
            return tmp
        except FileExistsError:
            continue


def _pid_alive(pid):
    if os.name == "nt":
        return True  # os.kill(pid, 0) would end the process there; the age rule still applies
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists but belongs to someone else, or cannot tell: keep it
    return True


def _remove_stale(path):
    """Removes temp files and folders that earlier, interrupted saves to ``path`` left
    behind: only names of our pattern for this very ``path`` (``.<name>.<pid>-<hex>.tmp``,
    or ``.<name>.<8 chars>.tmp`` from older versions), and only when their writer is not a
    live process here and they are over a minute old, or when they are over an hour old."""
    directory, base = os.path.split(os.path.abspath(path))
    pattern = re.compile(r"\." + re.escape(base) + r"\.(?:(\d+)-[0-9a-f]{8}|[a-z0-9_]{8})\.(?:tmp|old)")
    try:
        names = os.listdir(directory)
    except OSError:
        return
    now = time.time()
    for name in names:
        match = pattern.fullmatch(name)
        if match is None:
            continue
        full = os.path.join(directory, name)
        try:
            age = now - os.lstat(full).st_mtime
        except OSError:
            continue
        pid = match.group(1)
        writer_gone = pid is not None and int(pid) != os.getpid() and not _pid_alive(int(pid))
        if not ((writer_gone and age > _DEAD_WRITER_AGE) or age > _ANY_AGE):
            continue
        if os.path.isdir(full) and not os.path.islink(full):
            shutil.rmtree(full, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.remove(full)


@contextlib.contextmanager
def atomic_write(path):
    """Yields a temporary path next to ``path``; on success it replaces ``path`` atomically.

    An exception (or a killed process) leaves any previous ``path`` untouched. The file
    gets the permissions of an ordinary new file (``0o666`` less the umask).

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "w.txt")
        >>> with atomic_write(path) as tmp:
        ...     _ = open(tmp, "w").write("weights")
        >>> open(path).read()
        'weights'
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    _remove_stale(path)
    tmp = _make_temp_file(path)
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
        _fsync_dir(directory)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


@contextlib.contextmanager
def atomic_directory(path):
    """Yields a temporary folder next to ``path``; on success it takes ``path``'s place.

    The old folder is moved aside first and removed only after the new one is in place.
    The folder gets the permissions of an ordinary new folder (``0o777`` less the umask).
    """
    path = os.fspath(path).rstrip("/\\") or os.fspath(path)
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    if os.path.exists(path) and not os.path.isdir(path):
        raise ValueError(f"Cannot save a model folder at '{path}': a file with that name exists.")
    _remove_stale(path)
    tmp = _make_temp_dir(path)
    try:
        yield tmp
        for name in os.listdir(tmp):
            full = os.path.join(tmp, name)
            if os.path.isfile(full):
                with open(full, "rb+") as f:
                    os.fsync(f.fileno())
        old = None
        if os.path.exists(path):
            old = _temp_name(path, ".old")
            os.replace(path, old)
        os.replace(tmp, path)
        _fsync_dir(parent)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
