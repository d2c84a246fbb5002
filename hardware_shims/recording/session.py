"""Recorded sessions: frames, ground truth and events in one MCAP file.

Layout (zstd-compressed chunks; Foxglove opens it as is):
  /camera/image        foxglove.RawImage (protobuf; mono8 or bgr8), one per frame
  /camera/meta         microfab.FrameMeta (JSON): {"seq": n, **Frame.meta()}
  /labels/defect_mask  foxglove.RawImage (protobuf; mono8 0/255), when the frame has one
  any other topic      microfab.Event: write_event() payloads (trigger, encoder...)
  metadata record      "microfab.session": format_version, created_by, frame_count,
                       plus the caller's keys, each value JSON-encoded.
Image, meta and mask share the MCAP `sequence` n, which rejoins them on read.
Pixels are stored raw inside zstd chunks, not as PNG: zstd decompresses several times faster
than PNG decodes, at a similar size once compressed (benchmarks/replay_throughput.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from foxglove_schemas_protobuf.RawImage_pb2 import RawImage
from mcap.reader import SeekingReader
from mcap.writer import CompressionType, Writer
from mcap_protobuf.schema import build_file_descriptor_set

from ..errors import SessionError
from ..frame import Frame

FORMAT_VERSION = 2
IMAGE_TOPIC = "/camera/image"
META_TOPIC = "/camera/meta"
MASK_TOPIC = "/labels/defect_mask"
METADATA_NAME = "microfab.session"
_RESERVED_TOPICS = (IMAGE_TOPIC, META_TOPIC, MASK_TOPIC)
_RESERVED_KEYS = {"format_version", "created_by", "frame_count"}
_MAGIC = b"\x89MCAP0\r\n"

RAW_IMAGE = "foxglove.RawImage"
_ENCODINGS = {1: "mono8", 3: "bgr8"}
FRAME_META_SCHEMA = {"title": "microfab.FrameMeta", "type": "object"}
EVENT_SCHEMA = {"title": "microfab.Event", "type": "object"}


class Event(NamedTuple):
    timestamp_s: float
    payload: dict


def _ns(timestamp_s: float) -> int:
    # MCAP log times are unsigned nanoseconds; the exact float lives in the meta.
    return max(0, round(timestamp_s * 1e9))


def _json(obj: Any, what: str) -> bytes:
    try:
        return json.dumps(obj, allow_nan=False, separators=(",", ":")).encode()
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} is not JSON-serialisable: {exc}") from exc


class SessionWriter:
    """Write frames and events to `path` (an .mcap file). Use as a context manager."""

    def __init__(self, path: str | Path, metadata: dict | None = None) -> None:
        self.path = Path(path)
        self.metadata = dict(metadata or {})
        clash = _RESERVED_KEYS & set(self.metadata)
        if clash:
            raise ValueError(f"session metadata keys {sorted(clash)} are set by microfab")
        _json(self.metadata, "session metadata")  # fail now, not at close()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.path, "wb")  # noqa: SIM115 - closed in close()
        self._mcap = Writer(self._file, compression=CompressionType.ZSTD)
        self._mcap.start(profile="", library="microfab")
        self._schemas: dict[str, int] = {}
        self._channels: dict[str, int] = {}
        self.frame_count = 0

    def _channel(self, topic: str, schema: dict | None) -> int:
        """JSON channels take a JSON schema; schema None means a protobuf RawImage channel."""
        if topic not in self._channels:
            name = RAW_IMAGE if schema is None else schema["title"]
            if name not in self._schemas:
                if schema is None:
                    data = build_file_descriptor_set(RawImage).SerializeToString()
                    encoding = "protobuf"
                else:
                    data, encoding = _json(schema, name), "jsonschema"
                self._schemas[name] = self._mcap.register_schema(
                    name=name, encoding=encoding, data=data
                )
            self._channels[topic] = self._mcap.register_channel(
                topic=topic, message_encoding="protobuf" if schema is None else "json",
                schema_id=self._schemas[name],
            )
        return self._channels[topic]

    def _put(self, topic: str, schema: dict | None, data: bytes, t_s: float, seq: int) -> None:
        ns = _ns(t_s)
        self._mcap.add_message(
            channel_id=self._channel(topic, schema),
            log_time=ns,
            publish_time=ns,
            sequence=seq,
            data=data,
        )

    def write_frame(self, frame: Frame) -> None:
        """Append one frame (pixels, metadata and mask if any)."""
        self._check_open()
        seq, t = self.frame_count, frame.timestamp_s
        meta = {"seq": seq, **frame.meta()}
        self._put(IMAGE_TOPIC, None, _raw_image(frame.image, t), t, seq)
        self._put(META_TOPIC, FRAME_META_SCHEMA, _json(meta, "frame metadata"), t, seq)
        if frame.defect_mask is not None:
            self._put(MASK_TOPIC, None, _raw_image(frame.defect_mask, t), t, seq)
        self.frame_count += 1

    def write_event(self, channel: str, payload: dict, timestamp_s: float) -> None:
        """Append an event (trigger, encoder tick, board latency) on its own topic."""
        self._check_open()
        if channel in _RESERVED_TOPICS:
            raise ValueError(f"{channel} is reserved for frames; pick another channel")
        if not isinstance(payload, dict):
            raise TypeError(f"event payload must be a dict, got {type(payload).__name__}")
        self._put(channel, EVENT_SCHEMA, _json(payload, f"event on {channel}"), timestamp_s, 0)

    def close(self) -> None:
        """Write the session record and the MCAP index; the file is then complete."""
        if self._file.closed:
            return
        record = {
            "format_version": FORMAT_VERSION,
            "created_by": "microfab",
            "frame_count": self.frame_count,
            **self.metadata,
        }
        self._mcap.add_metadata(
            METADATA_NAME, {k: json.dumps(v) for k, v in record.items()}
        )
        self._mcap.finish()
        self._file.close()

    def _check_open(self) -> None:
        if self._file.closed:
            raise SessionError(f"session writer for {self.path} is already closed")

    def __enter__(self) -> SessionWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()  # also on error: the frames written so far stay readable


def _raw_image(image: np.ndarray, t_s: float) -> bytes:
    channels = 1 if image.ndim == 2 else image.shape[2]
    height, width = image.shape[:2]
    message = RawImage(frame_id="camera", width=width, height=height,
                       encoding=_ENCODINGS[channels], step=width * channels,
                       data=np.ascontiguousarray(image).tobytes())
    message.timestamp.FromNanoseconds(_ns(t_s))
    return message.SerializeToString()


def _decode_raw_image(data: bytes) -> np.ndarray:
    message = RawImage.FromString(data)
    channels = {"mono8": 1, "bgr8": 3}.get(message.encoding)
    if channels is None:
        raise ValueError(f"image encoding {message.encoding!r} is not mono8 or bgr8")
    shape = (message.height, message.width) + (() if channels == 1 else (3,))
    pixels = np.frombuffer(message.data, dtype=np.uint8)
    if pixels.size != message.height * message.width * channels:
        raise ValueError(f"image data holds {pixels.size} bytes, not {shape}")
    return pixels.reshape(shape)


class SessionReader:
    """Read a session written by SessionWriter. Opening checks the file is whole."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise SessionError(
                f"no session file at {self.path}; check the path, or record one "
                "with hardware_shims.record(uri, frames, out)"
            )
        try:
            with open(self.path, "rb") as f:
                self._index(f)
        except SessionError:
            raise
        except Exception as exc:  # mcap, zstd, struct and JSON all raise their own types
            raise self._corrupt(exc) from exc

    def _corrupt(self, exc: BaseException) -> SessionError:
        return SessionError(
            f"session file {self.path} is corrupt or truncated ({type(exc).__name__}: "
            f"{exc}); record it again, or for a shipped session run "
            "python -m hardware_shims.tools.make_orientation_session"
        )

    def _index(self, f) -> None:
        f.seek(-len(_MAGIC), 2)
        if f.read() != _MAGIC:
            # A writer that died before close() leaves no closing magic.
            raise self._corrupt(EOFError("missing MCAP end marker"))
        f.seek(0)
        summary = SeekingReader(f).get_summary()
        if summary is None or summary.statistics is None:
            raise self._corrupt(EOFError("no MCAP summary"))
        self._topics = {c.topic: c.id for c in summary.channels.values()}
        counts = summary.statistics.channel_message_counts
        self._len = counts.get(self._topics.get(IMAGE_TOPIC, -1), 0)
        f.seek(0)
        records = [m for m in SeekingReader(f).iter_metadata() if m.name == METADATA_NAME]
        if not records:
            raise self._corrupt(KeyError(f"no '{METADATA_NAME}' metadata record"))
        self.metadata = {k: json.loads(v) for k, v in records[0].metadata.items()}

    def __len__(self) -> int:
        return self._len

    def event_channels(self) -> list[str]:
        return sorted(t for t in self._topics if t not in _RESERVED_TOPICS)

    def _messages(self, topics: list[str]) -> Iterator[tuple[str, Any, dict]]:
        try:
            with open(self.path, "rb") as f:
                reader = SeekingReader(f, validate_crcs=True)
                for _, channel, msg in reader.iter_messages(
                    topics=topics, log_time_order=False
                ):
                    raw = channel.message_encoding == "protobuf"
                    yield channel.topic, msg, msg.data if raw else json.loads(msg.data)
        except Exception as exc:
            raise self._corrupt(exc) from exc

    def frames(self) -> Iterator[Frame]:
        """Frames in recording order, image + meta + mask rejoined by sequence."""
        pending: dict[int, dict[str, Any]] = {}
        try:
            for topic, msg, payload in self._messages(list(_RESERVED_TOPICS)):
                parts = pending.setdefault(msg.sequence, {})
                parts[topic] = payload
                meta = parts.get(META_TOPIC)
                needed = 3 if meta is not None and meta["has_defect_mask"] else 2
                if meta is None or IMAGE_TOPIC not in parts or len(parts) < needed:
                    continue
                del pending[msg.sequence]
                mask = parts.get(MASK_TOPIC)
                yield Frame.from_meta(
                    meta,
                    _decode_raw_image(parts[IMAGE_TOPIC]),
                    None if mask is None else _decode_raw_image(mask),
                )
        except SessionError:
            raise
        except Exception as exc:
            raise self._corrupt(exc) from exc
        if pending:
            missing = sorted(pending)
            raise self._corrupt(KeyError(f"frames {missing} lack image, meta or mask"))

    def events(self, channel: str) -> Iterator[Event]:
        """Events written with write_event(channel, ...), in recording order."""
        if channel not in self.event_channels():
            raise SessionError(
                f"session {self.path} has no event channel {channel!r}; "
                f"it has: {', '.join(self.event_channels()) or 'none'}"
            )
        for _, msg, payload in self._messages([channel]):
            yield Event(msg.log_time / 1e9, payload)

    def __repr__(self) -> str:
        return f"<SessionReader {self.path} frames={len(self)}>"
