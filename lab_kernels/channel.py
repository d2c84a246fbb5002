"""The one codec between the trusted test process and the student's kernel: plain data only.

A message is a folder: `value.json` (the structure) and `array-N.npy` (NumPy arrays, written and
read with `allow_pickle=False`). What crosses:

- JSON scalars (non-finite floats tagged), lists, tuples, sets and dicts (keys plain scalars);
- NumPy arrays of booleans, integers, unsigned integers, floats or complex numbers;
- towards the student only: instances of dataclasses (the tools a lab gives, such as `Frame` or
  `Part`), rebuilt there from the class of the same name.

Anything else is `NotPlainData`, with the path inside the value that was not plain. Decoding on
the trusted side checks types, depth, counts and sizes, and opens every file without following
a symbolic link: the folder lives where the student's code can write.
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
import os
import stat
from typing import Any

import numpy as np

MAX_DEPTH = 32
MAX_NODES = 1_000_000
MAX_JSON_BYTES = 16 * 2**20
ARRAY_KINDS = "biufc"  # bool, signed, unsigned, float, complex
VALUE = "value.json"
_NOFOLLOW = os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


class NotPlainData(TypeError):
    """A value that cannot cross the channel; the message names where and what it is."""


class ChannelError(RuntimeError):
    """A message that is missing, too large or malformed."""


# --- encoding (either side) -------------------------------------------------------------------

class _Encoder:
    def __init__(self, allow_objects: bool):
        self.allow_objects = allow_objects
        self.arrays: list[np.ndarray] = []
        self.nodes = 0

    def encode(self, value: Any, where: str, depth: int = 0) -> Any:
        self.nodes += 1
        if depth > MAX_DEPTH or self.nodes > MAX_NODES:
            raise NotPlainData(f"{where} is nested too deeply or holds too many items")
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, (int, np.integer)) and not isinstance(value, np.bool_):
            return int(value)
        if isinstance(value, np.bool_):
            return bool(value)
        if isinstance(value, (float, np.floating)):
            number = float(value)
            return number if math.isfinite(number) else {"$float": repr(number)}
        if isinstance(value, (complex, np.complexfloating)):
            return {"$complex": [self.encode(value.real, where, depth + 1),
                                 self.encode(value.imag, where, depth + 1)]}
        if type(value) is np.ndarray:
            return self._array(value, where)
        if isinstance(value, (list, tuple, set, frozenset)):
            items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
            encoded = [self.encode(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(items)]
            if isinstance(value, list):
                return encoded
            return {"$tuple" if isinstance(value, tuple) else "$set": encoded}
        if isinstance(value, dict):
            return {"$dict": [[self.encode(k, f"{where} key {k!r}", depth + 1),
                               self.encode(v, f"{where}[{k!r}]", depth + 1)]
                              for k, v in value.items()]}
        if self.allow_objects and dataclasses.is_dataclass(value) and not isinstance(value, type):
            cls = type(value)
            return {"$object": f"{cls.__module__}:{cls.__qualname__}",
                    "fields": {f.name: self.encode(getattr(value, f.name), f"{where}.{f.name}",
                                                   depth + 1)
                               for f in dataclasses.fields(value)}}
        raise NotPlainData(f"{where} is a {type(value).__module__}.{type(value).__qualname__}, "
                           "not plain data (numbers, strings, lists, tuples, dicts or numpy "
                           "arrays)")

    def _array(self, value: np.ndarray, where: str) -> dict:
        if value.dtype.kind not in ARRAY_KINDS or value.dtype.hasobject:
            raise NotPlainData(f"{where} is a numpy array of {value.dtype}; only numbers and "
                               "booleans cross (convert it, e.g. with .astype(float))")
        self.arrays.append(np.ascontiguousarray(value))
        return {"$array": len(self.arrays) - 1}


def _create(directory_fd: int, name: str, data: bytes) -> None:
    """A new file in the message folder: never an existing one, never through a link."""
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644,
                 dir_fd=directory_fd)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def write_message(directory_fd: int, value: Any, where: str, allow_objects: bool = False) -> None:
    """Encode `value` into the open, empty message folder `directory_fd`."""
    encoder = _Encoder(allow_objects)
    tree = encoder.encode(value, where)
    for index, array in enumerate(encoder.arrays):
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        _create(directory_fd, f"array-{index}.npy", buffer.getvalue())
    _create(directory_fd, VALUE, json.dumps(tree, allow_nan=False).encode())


def new_folder(parent_fd: int, name: str) -> int:
    """Make the message folder `name` in `parent_fd` and open it (fails if anything is there)."""
    os.mkdir(name, 0o755, dir_fd=parent_fd)
    return open_folder(parent_fd, name)


# --- decoding ----------------------------------------------------------------------------------

def _read_file(directory_fd: int, name: str, cap: int, what: str) -> bytes:
    """A regular file of the message, read without following links and never beyond `cap`."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW, dir_fd=directory_fd)
    except FileNotFoundError:
        raise ChannelError(f"{what}: no {name} in the reply") from None
    except OSError as exc:
        raise ChannelError(f"{what}: {name} cannot be opened as a plain file ({exc})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ChannelError(f"{what}: {name} is not a plain file")
        if info.st_size > cap:
            raise ChannelError(f"{what}: {name} holds {info.st_size / 2**20:.1f} MB, over the "
                               f"{cap / 2**20:.0f} MB a value may have")
        chunks, left = [], cap + 1
        while left > 0:
            chunk = os.read(fd, min(left, 2**22))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > cap:
            raise ChannelError(f"{what}: {name} is larger than {cap / 2**20:.0f} MB")
        return data
    finally:
        os.close(fd)


class _Decoder:
    def __init__(self, directory_fd: int, cap_bytes: int, resolve_object, what: str):
        self.fd = directory_fd
        self.left = cap_bytes
        self.resolve_object = resolve_object
        self.what = what
        self.nodes = 0

    def decode(self, node: Any, depth: int = 0) -> Any:
        self.nodes += 1
        if depth > MAX_DEPTH or self.nodes > MAX_NODES:
            raise ChannelError(f"{self.what}: the value is nested too deeply or too large")
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if isinstance(node, list):
            return [self.decode(item, depth + 1) for item in node]
        if not isinstance(node, dict) or len(node) not in (1, 2):
            raise ChannelError(f"{self.what}: malformed value")
        (tag, body), *rest = node.items()
        if tag == "$float" and body in ("nan", "inf", "-inf") and not rest:
            return float(body)
        if tag == "$complex" and isinstance(body, list) and len(body) == 2 and not rest:
            return complex(*(self._number(b) for b in body))
        if tag in ("$tuple", "$set") and isinstance(body, list) and not rest:
            items = [self.decode(item, depth + 1) for item in body]
            return tuple(items) if tag == "$tuple" else self._set(items)
        if tag == "$dict" and isinstance(body, list) and not rest:
            return self._dict(body, depth)
        if tag == "$array" and type(body) is int and not rest:
            return self._array(body)
        if tag == "$object" and self.resolve_object is not None and rest and \
                rest[0][0] == "fields" and isinstance(rest[0][1], dict):
            fields = {str(k): self.decode(v, depth + 1) for k, v in rest[0][1].items()}
            return self.resolve_object(body, fields)
        raise ChannelError(f"{self.what}: a value of kind {tag!r} cannot cross here")

    def _number(self, node) -> float:
        value = self.decode(node)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ChannelError(f"{self.what}: malformed complex number")
        return value

    def _set(self, items: list) -> set:
        try:
            return set(items)
        except TypeError:
            raise ChannelError(f"{self.what}: a set of unhashable items") from None

    def _dict(self, pairs: list, depth: int) -> dict:
        result = {}
        for pair in pairs:
            if not isinstance(pair, list) or len(pair) != 2:
                raise ChannelError(f"{self.what}: malformed dict")
            key = self.decode(pair[0], depth + 1)
            try:
                result[key] = self.decode(pair[1], depth + 1)
            except TypeError:
                raise ChannelError(f"{self.what}: a dict key that is not hashable") from None
        return result

    def _array(self, index: int) -> np.ndarray:
        data = _read_file(self.fd, f"array-{index}.npy", self.left, self.what)
        self.left -= len(data)
        try:
            array = np.load(io.BytesIO(data), allow_pickle=False)
        except (ValueError, OSError, EOFError) as exc:
            raise ChannelError(f"{self.what}: array {index} is not a numpy array file "
                               f"({exc})") from None
        if type(array) is not np.ndarray or array.dtype.kind not in ARRAY_KINDS or \
                array.dtype.hasobject:
            raise ChannelError(f"{self.what}: array {index} holds {array.dtype}, not numbers")
        return array


def read_message(directory_fd: int, cap_bytes: int, what: str, resolve_object=None) -> Any:
    """Decode the message in the open folder `directory_fd` (strict: plain data only)."""
    raw = _read_file(directory_fd, VALUE, min(cap_bytes, MAX_JSON_BYTES), what)
    try:
        tree = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ChannelError(f"{what}: the reply is not valid JSON ({exc})") from None
    return _Decoder(directory_fd, cap_bytes - len(raw), resolve_object, what).decode(tree)


def remove_folder(parent_fd: int, name: str) -> None:
    """Delete the message folder `name` and its files, following nothing (best effort)."""
    try:
        folder = open_folder(parent_fd, name)
    except ChannelError:
        return
    try:
        for entry in os.listdir(folder):
            try:
                os.unlink(entry, dir_fd=folder)
            except OSError:
                pass  # a folder planted inside: left to the sandbox's own quota
    finally:
        os.close(folder)
    try:
        os.rmdir(name, dir_fd=parent_fd)
    except OSError:
        pass


def open_folder(parent_fd: int, name: str) -> int:
    """Open the folder `name` inside `parent_fd`, refusing a symbolic link."""
    if "/" in name or name in ("", ".", ".."):
        raise ChannelError(f"bad folder name {name!r}")
    try:
        return os.open(name, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW, dir_fd=parent_fd)
    except OSError as exc:
        raise ChannelError(f"folder {name} cannot be opened safely ({exc})") from None
