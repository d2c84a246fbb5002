"""The channel's codec: plain data crosses both ways, nothing else, and no file is followed."""

from __future__ import annotations

import dataclasses
import math
import os

import numpy as np
import pytest

from lab_kernels import channel


@pytest.fixture
def folder(tmp_path):
    fd = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    yield tmp_path, fd
    os.close(fd)


def _round_trip(fd, value, allow_objects=False, resolve=None):
    message = channel.new_folder(fd, "m")
    try:
        channel.write_message(message, value, "value", allow_objects)
        return channel.read_message(message, 2**26, "value", resolve)
    finally:
        os.close(message)


def test_plain_data_round_trips(folder):
    _, fd = folder
    value = {"n": 3, "x": 0.5, "nan": math.nan, "s": "é", "none": None, "t": (1, [2, 3]),
             7: {True, 2}, "a": np.arange(6, dtype=np.uint16).reshape(2, 3), "c": 1 + 2j,
             "b": np.array([True, False]), "f": np.float32(2.5), "i": np.int64(4)}
    back = _round_trip(fd, value)
    assert back["n"] == 3 and back["t"] == (1, [2, 3]) and back[7] == {True, 2}
    assert math.isnan(back["nan"]) and back["c"] == 1 + 2j and back["f"] == 2.5
    assert back["a"].dtype == np.uint16 and np.array_equal(back["a"], value["a"])
    assert type(back["i"]) is int


class Liar:
    def __eq__(self, other):
        return True

    def __array__(self, *args, **kwargs):
        return np.zeros(3)


@pytest.mark.parametrize("value", [Liar(), np.array([Liar()], dtype=object), print,
                                   (i for i in range(3)), np.ma.masked_array([1, 2])])
def test_what_is_not_plain_data_is_refused_by_name(folder, value):
    _, fd = folder
    message = channel.new_folder(fd, "m")
    with pytest.raises((channel.NotPlainData, TypeError)) as caught:
        channel.write_message(message, {"answer": value}, "result")
    os.close(message)
    if isinstance(caught.value, channel.NotPlainData):
        assert "result['answer']" in str(caught.value)


@dataclasses.dataclass
class Part:
    image: np.ndarray
    mm_per_px: float


def test_dataclasses_cross_towards_the_student_only(folder):
    _, fd = folder
    part = Part(np.ones((2, 2)), 0.28)
    rebuilt = _round_trip(fd, [part], allow_objects=True,
                          resolve=lambda name, fields: (name, fields))
    assert rebuilt[0][0].endswith(":Part") and rebuilt[0][1]["mm_per_px"] == 0.28
    message = channel.new_folder(fd, "n")
    channel.write_message(message, part, "x", allow_objects=True)
    with pytest.raises(channel.ChannelError, match="cannot cross here"):
        channel.read_message(message, 2**20, "reply")  # the trusted side reads plain data only
    os.close(message)


def test_a_linked_file_in_a_reply_is_never_followed(folder, tmp_path_factory):
    root, fd = folder
    secret = tmp_path_factory.mktemp("grader") / "gradebook.db"
    secret.write_text("secret")
    (root / "reply").mkdir()
    (root / "reply" / "value.json").symlink_to(secret)
    message = channel.open_folder(fd, "reply")
    with pytest.raises(channel.ChannelError, match="cannot be opened as a plain file"):
        channel.read_message(message, 2**20, "reply")
    os.close(message)
    (root / "linked").symlink_to(secret.parent)
    with pytest.raises(channel.ChannelError, match="cannot be opened safely"):
        channel.open_folder(fd, "linked")


def test_a_fifo_or_an_oversized_reply_is_refused(folder):
    root, fd = folder
    (root / "fifo").mkdir()
    os.mkfifo(root / "fifo" / "value.json")
    message = channel.open_folder(fd, "fifo")
    with pytest.raises(channel.ChannelError, match="not a plain file"):
        channel.read_message(message, 2**20, "reply")
    os.close(message)
    big = channel.new_folder(fd, "big")
    channel.write_message(big, np.zeros(2**18), "big")
    with pytest.raises(channel.ChannelError, match="MB"):
        channel.read_message(big, 2**20, "reply")
    os.close(big)


def test_an_array_file_with_pickled_objects_is_refused(folder):
    root, fd = folder
    (root / "pickled").mkdir()
    (root / "pickled" / "value.json").write_text('{"$array": 0}')
    np.save(root / "pickled" / "array-0.npy", np.array([{"x": 1}], dtype=object),
            allow_pickle=True)
    message = channel.open_folder(fd, "pickled")
    with pytest.raises(channel.ChannelError, match="not a numpy array file"):
        channel.read_message(message, 2**20, "reply")
    os.close(message)


def test_a_message_folder_is_removed_without_following_links(folder, tmp_path_factory):
    root, fd = folder
    keep = tmp_path_factory.mktemp("keep") / "kept.txt"
    keep.write_text("kept")
    (root / "reply").mkdir()
    (root / "reply" / "link").symlink_to(keep)
    channel.remove_folder(fd, "reply")
    assert not (root / "reply").exists() and keep.read_text() == "kept"
