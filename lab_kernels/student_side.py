"""The student's kernel's end of the call channel: answer the trusted test process, plain data only.

Loaded at kernel start as `__microfab__`. The test process asks it, by executing one line in
this kernel, to describe names, read values or call a function; requests and replies are
message folders in the channel (`MICROFAB_CHANNEL`, inside the sandbox's private tmpfs). Nothing
here is trusted by the grader: a submission that changes it only changes its own answers, which
are decoded as plain data on the other side.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback

from lab_kernels import channel
from lab_kernels.limits import OUTPUT_NOTE

CHANNEL_ENV = "MICROFAB_CHANNEL"
MAX_OUTPUT_ENV = "MICROFAB_MAX_OUTPUT_BYTES"


def cap_output(limit: int) -> None:
    """Drop what the notebook prints past `limit` characters, with one note, in the kernel
    itself: a print loop then cannot fill the kernel's memory with output nobody will keep."""
    written = 0
    noted = False

    def capped(write):
        def write_capped(text):
            nonlocal written, noted
            written += len(text)
            if written <= limit:
                return write(text)
            if not noted:
                noted = True
                write(f"\n[{OUTPUT_NOTE} after {limit:,} characters; print less]\n")
            return len(text)
        return write_capped

    def wrap_streams(*args) -> None:
        for stream in (sys.stdout, sys.stderr):
            if not getattr(stream.write, "_microfab_capped", False):
                stream.write = capped(stream.write)
                stream.write._microfab_capped = True

    # the kernel sets its streams up after this module loads, and IPython re-wraps `write`
    # around every cell: wrap again just before each cell runs
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.events.register("pre_execute", wrap_streams)
    wrap_streams()


class _Forgotten(dict):
    """IPython 9 keeps every printed chunk in its history: here it keeps none."""

    def __contains__(self, key) -> bool:
        return False

    def __getitem__(self, key) -> list:
        return []


def _keep_no_output_history() -> None:
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None and hasattr(shell.history_manager, "outputs"):
        shell.history_manager.outputs = _Forgotten()


if os.environ.get(MAX_OUTPUT_ENV, "").isdigit():
    cap_output(int(os.environ[MAX_OUTPUT_ENV]))
    _keep_no_output_history()


def _namespace() -> dict:
    from IPython import get_ipython

    shell = get_ipython()
    return shell.user_ns if shell is not None else vars(sys.modules["__main__"])


def _channel_fd() -> int:
    return os.open(os.environ.get(CHANNEL_ENV, "."), os.O_RDONLY | os.O_DIRECTORY)


def _resolve_object(dotted: str, fields: dict):
    """Rebuild a dataclass the test passed in, from the class of that name here."""
    module_name, _, qualname = dotted.partition(":")
    owner = None
    if module_name == "__main__":
        owner = _namespace().get(qualname.split(".")[0])
        for part in qualname.split(".")[1:]:
            owner = getattr(owner, part, None)
    else:
        owner = importlib.import_module(module_name)
        for part in qualname.split("."):
            owner = getattr(owner, part)
    if not isinstance(owner, type):
        raise channel.ChannelError(f"class {qualname} is not defined in this notebook; run "
                                   "the cell that defines it")
    instance = object.__new__(owner)
    instance.__dict__.update(fields)
    return instance


def _message_folder(name: str, create: bool) -> int:
    directory = _channel_fd()
    try:
        return (channel.new_folder if create else channel.open_folder)(directory, name)
    finally:
        os.close(directory)


def _reply(request: str, value, where: str) -> None:
    folder = _message_folder(f"reply-{request}", create=True)
    try:
        try:
            channel.write_message(folder, value, where)
        except channel.NotPlainData as exc:
            channel.write_message(folder, {"$failed": "not-plain", "message": str(exc)}, "error")
    finally:
        os.close(folder)


def _request(request: str, cap_bytes: int):
    folder = _message_folder(f"request-{request}", create=False)
    try:
        return channel.read_message(folder, cap_bytes, "the test's request", _resolve_object)
    finally:
        os.close(folder)


def _kind(value) -> str:
    if isinstance(value, type):
        return "other"
    if callable(value):
        return "function"
    return "data"


def describe(names: list, request: str) -> None:
    """Reply {name: [kind, value or type name]} for each name the next test cell reads."""
    namespace, answer = _namespace(), {}
    for name in names:
        if name not in namespace:
            continue
        value = namespace[name]
        kind = _kind(value)
        if kind == "data":
            try:
                channel._Encoder(False).encode(value, name)
            except channel.NotPlainData as exc:
                answer[name] = ["other", str(exc)]
                continue
            answer[name] = ["data", value]
        else:
            answer[name] = [kind, f"{type(value).__module__}.{type(value).__qualname__}"]
    _reply(request, answer, "names")


def call(name: str, request: str, cap_bytes: int = 2**31) -> None:
    """Call `name` with the request's (args, kwargs); reply {"value": result} or the error."""
    try:
        args, kwargs = _request(request, cap_bytes)
        function = _namespace()[name]
        value = {"value": function(*args, **kwargs)}
    except BaseException as exc:  # the test reports it; the kernel goes on
        frames = traceback.extract_tb(exc.__traceback__)
        line = next((f"line {f.lineno}: {f.line}" for f in reversed(frames)
                     if f.filename.startswith("<ipython-input") or "ipykernel_" in f.filename),
                    "")
        value = {"$failed": "raised", "type": type(exc).__name__, "message": str(exc)[:2000],
                 "line": line[:300]}
        if isinstance(exc, KeyboardInterrupt):
            value["$failed"] = "interrupted"
    _reply(request, value, f"what {name} returned")
