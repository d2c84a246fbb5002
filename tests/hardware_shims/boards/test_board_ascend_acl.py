"""AscendBoard's .om path against a stand-in for pyACL that follows its calling
conventions (`(value, ret)` tuples, raw pointers, datasets). The stand-in "model"
doubles its input. This checks the board's bookkeeping, not a real NPU."""

import ctypes
import importlib.machinery
import sys
import types

import numpy as np
import pytest

from hardware_shims.boards.ascend import AscendBoard
from hardware_shims.boards.errors import InputError, ModelError

SHAPE = (1, 1, 4, 4)
NBYTES = int(np.prod(SHAPE)) * 4


def _dims(name):
    return {"name": name, "dimCount": len(SHAPE), "dims": list(SHAPE)}


class FakeAcl(types.ModuleType):
    def __init__(self, run_mode=1, load_ret=0):
        super().__init__("acl")
        self.__spec__ = importlib.machinery.ModuleSpec("acl", None)
        self.memory = {}  # device pointer -> backing buffer
        self.copies = []  # memcpy kinds, in order
        self.unloaded = []
        ok = lambda *a: 0  # noqa: E731
        self.init = ok
        self.create_data_buffer = lambda ptr, size: (ptr, size)
        self.destroy_data_buffer = ok
        self.rt = types.SimpleNamespace(
            set_device=ok, create_context=lambda i: ("ctx", 0), get_run_mode=lambda: (run_mode, 0),
            malloc=self._malloc, free=self._free,
            memcpy=self._memcpy, set_context=ok, destroy_context=ok, reset_device=ok,
        )
        io = {"input": "images", "output": "scores"}
        self.mdl = types.SimpleNamespace(
            load_from_file=lambda path: (7, load_ret), create_desc=lambda: "desc", get_desc=ok,
            get_num_inputs=lambda d: 1, get_num_outputs=lambda d: 1,
            get_input_size_by_index=lambda d, i: NBYTES,
            get_output_size_by_index=lambda d, i: NBYTES,
            get_input_name_by_index=lambda d, i: io["input"],
            get_output_name_by_index=lambda d, i: io["output"],
            get_input_dims=lambda d, i: (_dims("images"), 0),
            get_output_dims=lambda d, i: (_dims("scores"), 0),
            get_input_data_type=lambda d, i: 0, get_output_data_type=lambda d, i: 0,
            create_dataset=list, add_dataset_buffer=lambda ds, buf: (ds.append(buf), 0),
            execute=self._execute, destroy_dataset=ok, destroy_desc=ok,
            unload=lambda model_id: self.unloaded.append(model_id) or 0,
        )

    def _malloc(self, size, policy):
        buffer = np.zeros(size, np.uint8)
        self.memory[buffer.ctypes.data] = buffer
        return buffer.ctypes.data, 0

    def _free(self, ptr):
        del self.memory[ptr]
        return 0

    def _memcpy(self, dst, dst_size, src, count, kind):
        assert count <= dst_size
        ctypes.memmove(dst, src, count)
        self.copies.append(kind)
        return 0

    def _execute(self, model_id, inputs, outputs):
        (src, _), (dst, _) = inputs[0], outputs[0]
        x = self.memory[src].view(np.float32)
        self.memory[dst].view(np.float32)[:] = 2 * x
        return 0


@pytest.fixture
def om_file(tmp_path):
    path = tmp_path / "defects.om"
    path.write_bytes(b"\0")
    return path


def _board(monkeypatch, fake):
    monkeypatch.setitem(sys.modules, "acl", fake)
    return AscendBoard("ascend://0")


def test_om_model_runs_and_returns_named_outputs(monkeypatch, om_file):
    x = np.arange(16, dtype=np.float32).reshape(SHAPE)
    with _board(monkeypatch, FakeAcl()) as board:
        out = board.load(om_file).run(x).outputs
    np.testing.assert_array_equal(out["scores"], 2 * x)


def test_om_input_specs_come_from_the_model_description(monkeypatch, om_file):
    with _board(monkeypatch, FakeAcl()) as board:
        assert board.load(om_file).input_specs[0].describe() == "images: (1, 1, 4, 4) float32"


def test_om_wrong_shape_is_caught_before_the_npu(monkeypatch, om_file):
    fake = FakeAcl()
    with _board(monkeypatch, fake) as board, pytest.raises(InputError, match="'images'"):
        board.load(om_file).run(np.zeros((1, 1, 8, 8), np.float32))
    assert fake.copies == []


def test_host_run_mode_copies_host_to_device_and_back(monkeypatch, om_file):
    fake = FakeAcl(run_mode=1)
    with _board(monkeypatch, fake) as board:
        board.load(om_file).run(np.zeros(SHAPE, np.float32))
    assert fake.copies == [1, 2]


def test_on_board_run_mode_copies_device_to_device(monkeypatch, om_file):
    fake = FakeAcl(run_mode=0)
    with _board(monkeypatch, fake) as board:
        board.load(om_file).run(np.zeros(SHAPE, np.float32))
    assert fake.copies == [3, 3]


def test_close_frees_device_memory_and_unloads(monkeypatch, om_file):
    fake = FakeAcl()
    board = _board(monkeypatch, fake)
    board.load(om_file)
    board.close()
    assert (fake.memory, fake.unloaded) == ({}, [7])


def test_failed_om_load_names_the_file_and_error_code(monkeypatch, om_file):
    with _board(monkeypatch, FakeAcl(load_ret=145000)) as board, pytest.raises(
        ModelError, match=r"defects\.om.*145000"
    ):
        board.load(om_file)


def test_latency_is_measured_on_the_board(monkeypatch, om_file):
    with _board(monkeypatch, FakeAcl()) as board:
        result = board.load(om_file).run(np.zeros(SHAPE, np.float32))
    assert result.latency_kind == "measured" and "pyACL" in result.provenance
