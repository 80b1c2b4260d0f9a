"""Writes TensorBoard event files (TFRecord framing + Event/Summary protobufs) without TensorFlow.

A record is ``uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)``,
all little-endian. ``data`` is an ``Event`` protobuf, encoded here by hand: only the fields
TensorBoard needs for scalars (``simple_value``) and histograms (``HistogramProto``).
"""

import os
import socket
import struct
import time

import numpy as np

# Event fields: wall_time=1 (double), step=2 (int64), file_version=3 (string), summary=5.
# Summary: value=1 (repeated). Summary.Value: tag=1, simple_value=2 (float), histo=5.
# HistogramProto: min=1, max=2, num=3, sum=4, sum_squares=5 (doubles), bucket_limit=6, bucket=7 (packed).


def _crc32c_table():
    table = []
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _crc32c_table()


def crc32c(data):
    """CRC-32C (Castagnoli), the checksum TFRecord files use."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _varint(value):
    out = bytearray()
    value &= (1 << 64) - 1  # negative int64 values use ten bytes, as protobuf does
    while True:
        bits = value & 0x7F
        value >>= 7
        if value:
            out.append(bits | 0x80)
        else:
            out.append(bits)
            return bytes(out)


def _key(field, wire_type):
    return _varint((field << 3) | wire_type)


def _double(field, value):
    return _key(field, 1) + struct.pack("<d", float(value))


def _float(field, value):
    return _key(field, 5) + struct.pack("<f", float(value))


def _int(field, value):
    return _key(field, 0) + _varint(int(value))


def _bytes(field, data):
    return _key(field, 2) + _varint(len(data)) + data


def _packed_doubles(field, values):
    return _bytes(field, struct.pack(f"<{len(values)}d", *values))


def histogram_proto(values, bins=30):
    """A ``HistogramProto`` of ``values`` with ``bins`` equal-width buckets."""
    values = np.asarray(values, dtype="float64").ravel()
    values = values[np.isfinite(values)]
    if values.size == 0:
        values = np.zeros((1,))
    low, high = float(values.min()), float(values.max())
    if low == high:
        low, high = low - 0.5, high + 0.5
    counts, edges = np.histogram(values, bins=bins, range=(low, high))
    return (_double(1, values.min()) + _double(2, values.max()) + _double(3, values.size)
            + _double(4, values.sum()) + _double(5, np.square(values).sum())
            + _packed_doubles(6, edges[1:].tolist()) + _packed_doubles(7, counts.astype("float64").tolist()))


def _summary_value(tag, simple_value=None, histo=None):
    body = _bytes(1, tag.encode("utf-8"))
    if simple_value is not None:
        body += _float(2, simple_value)
    if histo is not None:
        body += _bytes(5, histo)
    return _bytes(1, body)


def _event(step, summary=None, file_version=None):
    body = _double(1, time.time()) + _int(2, step)
    if file_version is not None:
        body += _bytes(3, file_version.encode("utf-8"))
    if summary is not None:
        body += _bytes(5, summary)
    return body


class EventFileWriter:
    """Appends scalar and histogram summaries to a new event file in ``log_dir``.

    Example:
        >>> import os, tempfile
        >>> log_dir = os.path.join(tempfile.mkdtemp(), "train")
        >>> writer = EventFileWriter(log_dir)
        >>> writer.add_scalar("epoch_loss", 0.25, step=0)
        >>> writer.close()
        >>> [name.startswith("events.out.tfevents.") for name in os.listdir(log_dir)]
        [True]
    """

    _counter = 0

    def __init__(self, log_dir):
        os.makedirs(log_dir, exist_ok=True)
        EventFileWriter._counter += 1
        name = f"events.out.tfevents.{int(time.time())}.{socket.gethostname()}.{os.getpid()}.{self._counter}.v2"
        self.path = os.path.join(log_dir, name)
        self._file = open(self.path, "wb")
        self._write(_event(0, file_version="brain.Event:2"))

    def _write(self, data):
        header = struct.pack("<Q", len(data))
        self._file.write(header + struct.pack("<I", masked_crc32c(header)) + data
                         + struct.pack("<I", masked_crc32c(data)))

    def add_scalar(self, tag, value, step):
        self._write(_event(step, summary=_summary_value(tag, simple_value=value)))

    def add_histogram(self, tag, values, step, bins=30):
        self._write(_event(step, summary=_summary_value(tag, histo=histogram_proto(values, bins))))

    def flush(self):
        self._file.flush()

    def close(self):
        if not self._file.closed:
            self._file.close()
