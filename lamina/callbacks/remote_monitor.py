"""``RemoteMonitor``: posts each epoch's logs to an HTTP server."""

import json
import urllib.error
import urllib.parse
import urllib.request
import warnings

import numpy as np

from lamina.callbacks.callback import Callback


class RemoteMonitor(Callback):
    """Sends the logs of every epoch to ``root + path`` as an HTTP POST.

    The body is a form with one field (``field``) holding the logs as JSON, or, with
    ``send_as_json=True``, the JSON object itself. The logs carry an ``"epoch"`` entry. A
    server that cannot be reached gives a warning, not an error: training goes on.

    Args:
        root: the server's root URL.
        path: the path the logs are posted to.
        field: the form field holding the JSON (ignored with ``send_as_json``).
        headers: extra HTTP headers, a dict.
        send_as_json: post ``application/json`` instead of a form.
        timeout: seconds to wait for the server.

    Example (not run as a doctest: it needs a server listening at ``root``):
        >>> monitor = lamina.callbacks.RemoteMonitor(root="http://localhost:9000")
        >>> model.fit(x, y, epochs=3, callbacks=[monitor])  # doctest: +SKIP
    """

    def __init__(self, root="http://localhost:9000", path="/publish/epoch/end/", field="data", headers=None,
                 send_as_json=False, timeout=10.0):
        super().__init__()
        if headers is not None and not isinstance(headers, dict):
            raise ValueError(f"RemoteMonitor: `headers` must be a dict. Received: {type(headers).__name__}")
        scheme = urllib.parse.urlparse(root).scheme
        if scheme not in ("http", "https"):
            raise ValueError(f"RemoteMonitor: `root` must be an http(s) URL. Received: root={root!r}")
        self.root = root
        self.path = path
        self.field = field
        self.headers = dict(headers or {})
        self.send_as_json = send_as_json
        self.timeout = timeout

    def on_epoch_end(self, epoch, logs=None):
        send = {"epoch": epoch}
        for key, value in (logs or {}).items():
            send[key] = _plain(value)
        if self.send_as_json:
            body = json.dumps(send).encode("utf-8")
            headers = {"Content-Type": "application/json", **self.headers}
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode("utf-8")
            headers = {"Content-Type": "application/x-www-form-urlencoded", **self.headers}
        request = urllib.request.Request(self.root + self.path, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except (urllib.error.URLError, OSError) as e:
            warnings.warn(f"RemoteMonitor: could not reach the server at {self.root + self.path} ({e}); "
                          "the epoch's logs were not sent.", stacklevel=2)


def _plain(value):
    """A JSON-ready value: NumPy scalars and arrays become Python numbers and lists."""
    arr = np.asarray(value)
    if arr.dtype.kind in "fiub":
        return arr.item() if arr.ndim == 0 else arr.tolist()
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
