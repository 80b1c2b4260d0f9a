"""RemoteMonitor posts each epoch's logs to a (local, test-made) HTTP server."""

import http.server
import json
import threading
import urllib.parse

import numpy as np
import pytest

import lamina
from lamina import layers


@pytest.fixture
def server():
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8")
            received.append((self.path, self.headers["Content-Type"], self.headers.get("X-Run"), body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", received
    httpd.shutdown()
    httpd.server_close()


def _fit(callback, epochs=2):
    model = lamina.Sequential([layers.Input((3,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    x = np.random.default_rng(0).random((16, 3), dtype=np.float32)
    return model.fit(x, x[:, :1], batch_size=8, epochs=epochs, verbose=0, callbacks=[callback])


def test_posts_a_form_field_per_epoch(server):
    root, received = server
    history = _fit(lamina.callbacks.RemoteMonitor(root=root, headers={"X-Run": "r1"}))
    assert len(received) == 2
    path, content_type, run, body = received[1]
    assert path == "/publish/epoch/end/" and content_type == "application/x-www-form-urlencoded" and run == "r1"
    logs = json.loads(urllib.parse.parse_qs(body)["data"][0])
    assert logs["epoch"] == 1
    np.testing.assert_allclose(logs["loss"], history.history["loss"][1], rtol=1e-6)
    assert "mae" in logs


def test_posts_json(server):
    root, received = server
    _fit(lamina.callbacks.RemoteMonitor(root=root, path="/logs", send_as_json=True), epochs=1)
    path, content_type, _, body = received[0]
    assert path == "/logs" and content_type == "application/json"
    assert json.loads(body)["epoch"] == 0


def test_an_unreachable_server_warns_and_training_goes_on():
    monitor = lamina.callbacks.RemoteMonitor(root="http://127.0.0.1:9", timeout=1.0)
    with pytest.warns(UserWarning, match="could not reach"):
        history = _fit(monitor, epochs=2)
    assert len(history.history["loss"]) == 2


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="root"):
        lamina.callbacks.RemoteMonitor(root="localhost:9000")
    with pytest.raises(ValueError, match="headers"):
        lamina.callbacks.RemoteMonitor(headers=["X-Run"])
