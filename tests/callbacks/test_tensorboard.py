"""TensorBoard event files: framing checksums, and read back by the real ``tensorboard`` package."""

import os
import struct

import numpy as np
import pytest

import lamina
from lamina.callbacks import _event_file
from tests.callbacks._fake import FakeModel, run_epochs


def test_crc32c_and_record_framing(tmp_path):
    assert _event_file.crc32c(b"123456789") == 0xE3069283  # the standard CRC-32C check value
    writer = _event_file.EventFileWriter(str(tmp_path))
    writer.add_scalar("loss", 0.5, step=3)
    writer.close()
    data = open(writer.path, "rb").read()
    offset, records = 0, 0
    while offset < len(data):
        (length,) = struct.unpack("<Q", data[offset:offset + 8])
        (length_crc,) = struct.unpack("<I", data[offset + 8:offset + 12])
        payload = data[offset + 12:offset + 12 + length]
        (payload_crc,) = struct.unpack("<I", data[offset + 12 + length:offset + 16 + length])
        assert length_crc == _event_file.masked_crc32c(data[offset:offset + 8])
        assert payload_crc == _event_file.masked_crc32c(payload)
        offset += 16 + length
        records += 1
    assert records == 2 and "tfevents" in os.path.basename(writer.path)


def test_tensorboard_reads_scalars_and_histograms(tmp_path):
    event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
    model = FakeModel(learning_rate=0.05)
    tb = lamina.callbacks.TensorBoard(log_dir=str(tmp_path), histogram_freq=1, update_freq=2)
    logs = [{"loss": 1.0 - 0.25 * e, "val_loss": 2.0 - 0.5 * e} for e in range(3)]
    run_epochs(tb, model, logs, batches=3)

    train = event_accumulator.EventAccumulator(str(tmp_path / "train"),
                                               size_guidance={event_accumulator.HISTOGRAMS: 0})
    train.Reload()
    assert [e.value for e in train.Scalars("epoch_loss")] == pytest.approx([1.0, 0.75, 0.5])
    assert [e.step for e in train.Scalars("epoch_loss")] == [0, 1, 2]
    assert [e.value for e in train.Scalars("epoch_learning_rate")] == pytest.approx([0.05] * 3)
    assert [e.step for e in train.Scalars("batch_loss")] == [2, 4, 6, 8]
    histos = train.Histograms("kernel/histogram")
    assert [h.step for h in histos] == [0, 1, 2]
    assert histos[-1].histogram_value.num == 2 and histos[-1].histogram_value.max == pytest.approx(2.0)

    validation = event_accumulator.EventAccumulator(str(tmp_path / "validation"))
    validation.Reload()
    assert [e.value for e in validation.Scalars("epoch_loss")] == pytest.approx([2.0, 1.5, 1.0])
    assert "val_loss" not in validation.Tags()["scalars"]

    with pytest.raises(ValueError, match="update_freq"):
        lamina.callbacks.TensorBoard(update_freq="sometimes")
