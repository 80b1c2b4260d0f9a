"""Downloading and caching files (datasets, weights): ``lamina.utils.get_file``."""

import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.request
import zipfile

from lamina.backend.common.config import lamina_home


def _hash_file(path, algorithm="sha256", chunk_size=1 << 20):
    hasher = hashlib.sha256() if algorithm in ("sha256", "auto") else hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(path, file_hash, hash_algorithm="auto"):
    """Whether the file at ``path`` has the given sha256 (64 hex chars) or md5 (32) hash."""
    algorithm = "sha256" if hash_algorithm == "sha256" or (hash_algorithm == "auto" and len(file_hash) == 64) else "md5"
    return _hash_file(path, algorithm) == file_hash


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None, cache_subdir="datasets",
             hash_algorithm="auto", extract=False, archive_format="auto", cache_dir=None, force_download=False):
    """Downloads ``origin`` into the cache (``~/.lamina/<cache_subdir>``) once and returns its path.

    The download goes to a temporary file and is renamed into place only when complete and, if a
    hash is given, verified; an interrupted download never leaves a partial file in the cache.

    Args:
        fname: file name in the cache (defaults to the last part of ``origin``).
        origin: URL (``http(s)://`` or ``file://``).
        file_hash: optional expected sha256 or md5 hex digest.
        cache_subdir: sub-folder of the cache.
        extract: also extract a tar or zip archive next to it; returns the extracted folder.
        cache_dir: root of the cache (default ``$LAMINA_HOME`` or ``~/.lamina``).
        force_download: download again even when cached.

    Example:
        >>> import os, pathlib, tempfile
        >>> source = pathlib.Path(tempfile.mkdtemp(), "data.txt")
        >>> _ = source.write_text("hello")
        >>> cache = tempfile.mkdtemp()
        >>> path = lamina.utils.get_file("data.txt", origin=source.as_uri(), cache_dir=cache)
        >>> os.path.relpath(path, cache), open(path).read()
        ('datasets/data.txt', 'hello')
    """
    if origin is None:
        raise ValueError('get_file: please specify the "origin" argument (the URL of the file to download).')
    if fname is None:
        fname = os.path.basename(origin.split("?")[0])
        if not fname:
            raise ValueError(f"get_file: cannot infer a file name from origin={origin!r}; pass fname=.")
    file_hash = file_hash or md5_hash
    root = os.path.expanduser(cache_dir) if cache_dir else lamina_home()
    folder = os.path.join(root, cache_subdir)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, fname)
    if untar:
        extract = True
    needs_download = force_download or not os.path.exists(path)
    if not needs_download and file_hash and not validate_file(path, file_hash, hash_algorithm):
        needs_download = True
    if needs_download:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{fname}.", suffix=".part")
        os.close(fd)
        try:
            try:
                with urllib.request.urlopen(origin, timeout=60) as response, open(tmp, "wb") as out:
                    shutil.copyfileobj(response, out)
            except OSError as e:
                raise OSError(f"get_file: could not download {origin!r}: {e}") from e
            if file_hash and not validate_file(tmp, file_hash, hash_algorithm):
                raise ValueError(
                    f"get_file: the file downloaded from {origin!r} does not match the expected hash "
                    f"{file_hash}. It may be corrupt or changed upstream; nothing was cached."
                )
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
    if extract:
        return _extract(path, archive_format)
    return path


def _extract(path, archive_format):
    target = path
    for suffix in (".tar.gz", ".tgz", ".tar", ".zip"):
        if target.endswith(suffix):
            target = target[: -len(suffix)]
            break
    else:
        target = target + "_extracted"
    if os.path.isdir(target):
        return target
    tmp = tempfile.mkdtemp(dir=os.path.dirname(path), prefix=".extract.")
    try:
        if zipfile.is_zipfile(path) and archive_format in ("auto", "zip"):
            with zipfile.ZipFile(path) as archive:
                _safe_members(archive.namelist(), tmp)
                archive.extractall(tmp)
        elif tarfile.is_tarfile(path) and archive_format in ("auto", "tar"):
            with tarfile.open(path) as archive:
                _safe_members(archive.getnames(), tmp)
                archive.extractall(tmp, filter="data")
        else:
            raise ValueError(f"get_file: {path!r} is not a zip or tar archive; cannot extract it.")
        os.replace(tmp, target)
    finally:
        if os.path.isdir(tmp):
            shutil.rmtree(tmp)
    return target


def _safe_members(names, root):
    root = os.path.realpath(root)
    for name in names:
        dest = os.path.realpath(os.path.join(root, name))
        if not dest.startswith(root + os.sep) and dest != root:
            raise ValueError(f"get_file: refusing to extract {name!r}, which would land outside the target folder.")
