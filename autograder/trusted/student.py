"""The test process's view of the student's kernel: names as plain data, functions as proxies.

A test cell's student names are bound here before it runs: a value is read from the student's
kernel as plain data; a function becomes a `StudentFunction` whose call sends the arguments
over the channel, runs the function there, and decodes what it returned, timed on this side.
Nothing the student made is imported, unpickled or executed in this process.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass

import zmq
from jupyter_client import BlockingKernelClient

from lab_kernels import channel

CHANNEL_NAME = "channel"  # inside the student kernel's private folder


class StudentCodeFailed(AssertionError):
    """The student's function raised, timed out, or returned something that is not plain data."""


# What a test may catch from a student function (`except ValueError:`): raised here again as
# the same builtin type, carrying the message; any other type fails the test.
CATCHABLE = (ArithmeticError, AssertionError, AttributeError, EOFError, FloatingPointError,
             ImportError, IndexError, KeyError, LookupError, MemoryError, NameError,
             NotImplementedError, OSError, OverflowError, RecursionError, RuntimeError,
             StopIteration, TypeError, UnicodeError, ValueError, ZeroDivisionError)
_RAISED: dict[str, type] = {}


def raised_again(type_name: str, message: str) -> BaseException:
    """The student's exception as this side's builtin of the same name (or StudentCodeFailed)."""
    base = next((c for c in CATCHABLE if c.__name__ == type_name), None)
    if base is None or base is AssertionError:
        return StudentCodeFailed(message)
    if type_name not in _RAISED:
        _RAISED[type_name] = type(type_name, (base, StudentCodeFailed), {
            "__str__": lambda self: str(self.args[0]) if self.args else ""})
    return _RAISED[type_name](message)


@dataclass
class Connection:
    """How the test process reaches the student's kernel (written by the grader)."""

    connection_info: dict  # jupyter connection info, IPC paths as the grader sees them
    root_dir: str  # the student kernel's private folder as the grader sees it
    max_result_mb: int
    cell_timeout_s: float
    deadline: float  # time.monotonic() by which the whole submission must be done


class StudentKernel:
    def __init__(self, connection: Connection):
        self.connection = connection
        self.hidden = False  # while a hidden test runs, student errors show no detail
        self.cell_deadline = float("inf")  # set by the test process for each test cell
        self.incidents: list[str] = []  # read by the worker after each cell
        self.dead_reason = ""
        context = zmq.Context()
        context.setsockopt(zmq.MAXMSGSIZE, 2**20)  # replies carry status only; data is files
        self.client = BlockingKernelClient(context=context)
        self.client.load_connection_info(connection.connection_info)
        self.client.start_channels(shell=True, iopub=False, stdin=False, hb=False,
                                   control=True)

    def lock(self) -> None:
        """After the handshake: never reconnect, so a replaced socket file leads nowhere."""
        for stream in (self.client.shell_channel, self.client.control_channel):
            stream.socket.setsockopt(zmq.RECONNECT_IVL, -1)

    def close(self) -> None:
        self.client.stop_channels()

    # --- one request --------------------------------------------------------------------------

    def _timeout(self) -> float:
        now = time.monotonic()
        left = min(self.connection.deadline, self.cell_deadline) - now
        return max(0.0, min(self.connection.cell_timeout_s, left))

    def _channel(self) -> int:
        """The channel folder, opened without following a link the student's code made."""
        try:
            root = os.open(self.connection.root_dir, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as exc:
            raise StudentCodeFailed(f"the notebook's kernel cannot be reached ({exc})") from None
        try:
            return channel.open_folder(root, CHANNEL_NAME)
        except channel.ChannelError as exc:
            raise StudentCodeFailed(f"the notebook's kernel cannot be reached ({exc})") from None
        finally:
            os.close(root)

    def _execute(self, code: str, what: str) -> None:
        if self.dead_reason:
            raise StudentCodeFailed(self.dead_reason)
        timeout = self._timeout()
        if timeout <= 0:
            self.incidents.append("the time budget was spent")
            raise StudentCodeFailed("the time limit of this test (or of the whole submission) "
                                    "is spent; nothing more of the notebook's code runs")
        msg_id = self.client.execute(code, silent=True, store_history=False, allow_stdin=False)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.incidents.append("a test's call ran past its time limit")
                self._interrupt()
                raise StudentCodeFailed(f"{what} did not finish within {timeout:.0f} s (the "
                                        "time limit of a test); make it faster")
            try:
                reply = self.client.get_shell_msg(timeout=min(left, 1.0))
            except Exception:  # queue.Empty: keep waiting up to the deadline
                continue
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                return

    def _interrupt(self) -> None:
        message = self.client.session.msg("interrupt_request", {})
        self.client.control_channel.send(message)

    def _reply(self, directory: int, request: str, what: str):
        try:
            folder = channel.open_folder(directory, f"reply-{request}")
        except channel.ChannelError:
            raise StudentCodeFailed(f"{what}: the notebook's kernel gave no answer (did the "
                                    "code stop the kernel or remove `__microfab__`?)") from None
        try:
            return channel.read_message(folder, self.connection.max_result_mb * 2**20, what)
        except channel.ChannelError as exc:
            raise StudentCodeFailed(str(exc)) from None
        finally:
            os.close(folder)

    def request(self, code_for, payload, what: str):
        """Send `payload`, run `code_for(request_id)` in the student's kernel, decode the reply."""
        request = secrets.token_hex(8)
        directory = self._channel()
        try:
            if payload is not None:
                folder = channel.new_folder(directory, f"request-{request}")
                try:
                    channel.write_message(folder, payload, what, allow_objects=True)
                finally:
                    os.close(folder)
            self._execute(code_for(request), what)
            return self._reply(directory, request, what)
        except channel.NotPlainData as exc:
            raise StudentCodeFailed(f"{what}: cannot send {exc}") from None
        finally:
            channel.remove_folder(directory, f"request-{request}")
            channel.remove_folder(directory, f"reply-{request}")
            os.close(directory)

    # --- what tests use -----------------------------------------------------------------------

    def describe(self, names: list[str]) -> dict:
        answer = self.request(lambda r: f"__microfab__.describe({sorted(names)!r}, {r!r})",
                              None, "the notebook's names")
        if not isinstance(answer, dict):
            raise StudentCodeFailed("the notebook's kernel answered with something unexpected")
        return answer

    def call(self, name: str, args: tuple, kwargs: dict):
        what = f"{name}()"
        reply = self.request(lambda r: f"__microfab__.call({name!r}, {r!r})",
                             (list(args), kwargs), what)
        if isinstance(reply, dict) and reply.get("$failed"):
            message = self._failure(name, reply)
            if reply.get("$failed") == "raised":
                raise raised_again(str(reply.get("type")), message)
            raise StudentCodeFailed(message)
        if not isinstance(reply, dict) or "value" not in reply:
            raise StudentCodeFailed(f"{what}: the notebook's kernel answered with something "
                                    "unexpected")
        return reply["value"]

    def _failure(self, name: str, reply: dict) -> str:
        kind = reply.get("$failed")
        if kind == "not-plain":
            return f"{name} returned {reply.get('message')}"
        if kind == "interrupted":
            return f"{name} was stopped: it ran past the time limit of a test"
        if self.hidden:  # what the function raised may quote the hidden test's data
            return f"your {name} raised an error in a hidden test (its details are not shown)"
        where = f" at {reply.get('line')}" if reply.get("line") else ""
        return f"your {name} raised {reply.get('type')}: {reply.get('message')}{where}"


class StudentFunction:
    """A student function seen from the test process: calls run in the student's kernel."""

    def __init__(self, kernel: StudentKernel, name: str):
        self._kernel, self.__name__ = kernel, name
        self.last_call_s = 0.0

    def __call__(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return self._kernel.call(self.__name__, args, kwargs)
        finally:
            self.last_call_s = time.perf_counter() - started

    def __repr__(self) -> str:
        return f"<student function {self.__name__}>"


class NotPlainValue:
    """A student name that is not plain data: any use fails the test with the reason."""

    def __init__(self, name: str, why: str):
        object.__setattr__(self, "_message", f"`{name}` cannot be read by the tests: {why}")

    def _fail(self, *args, **kwargs):
        raise StudentCodeFailed(object.__getattribute__(self, "_message"))

    __getattr__ = __call__ = __iter__ = __len__ = __getitem__ = __bool__ = _fail
    __eq__ = __lt__ = __gt__ = __le__ = __ge__ = __float__ = __int__ = __array__ = _fail
    __add__ = __sub__ = __mul__ = __truediv__ = __contains__ = __index__ = _fail
    __hash__ = None

    def __repr__(self) -> str:
        return f"<not plain data: {object.__getattribute__(self, '_message')}>"


def bind(kernel: StudentKernel, namespace: dict, names: set[str]) -> None:
    """Put the student's `names` that the namespace lacks into it, as plain data or proxies."""
    wanted = sorted(n for n in names if n not in namespace)
    if not wanted:
        return
    for name, answer in kernel.describe(wanted).items():
        if name not in wanted or not isinstance(answer, list) or len(answer) != 2:
            continue
        kind, value = answer
        if kind == "function":
            namespace[name] = StudentFunction(kernel, name)
        elif kind == "data":
            namespace[name] = value
        else:
            namespace[name] = NotPlainValue(name, value if isinstance(value, str) else "")
