"""The inspection database's tables (SQLAlchemy Core), kept equal to the newest migration.

    stations   one row per inspection cell of the line (its light)
    parts      one row per inspected cover: line, material, station, UTC time, the image by
               reference (recording URI + frame index, never the pixels; several parts of a
               resampled history may name one image), the audit's label
    defects    0..n per part: type, size in mm, segmented area in mm^2 (NULL where an area
               means nothing, e.g. a print offset)
    decisions  0..1 per part: the station's verdict; no row while the part waits for review
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

VERDICTS = ("pass", "reject")


class UTCDateTime(TypeDecorator):
    """A timezone-aware instant stored in UTC on every engine.

    PostgreSQL keeps `timestamptz`; SQLite has no time zones, so it keeps the UTC wall time as
    text (`YYYY-MM-DD HH:MM:SS.ffffff`, which sorts in time order). Naive datetimes are refused:
    an instant without a zone is ambiguous. Values come back aware, in UTC.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: give a timezone-aware instant")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):  # raw text from a SQLite expression
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = sa.MetaData()

stations = sa.Table(
    "stations", metadata,
    sa.Column("station_id", sa.String(16), primary_key=True),
    sa.Column("light", sa.String(32), nullable=False),
)

parts = sa.Table(
    "parts", metadata,
    sa.Column("part_id", sa.String(32), primary_key=True),
    sa.Column("line", sa.String(32), nullable=False),
    sa.Column("material", sa.String(32), nullable=False),
    sa.Column("station_id", sa.String(16), sa.ForeignKey("stations.station_id"), nullable=False),
    sa.Column("inspected_at", UTCDateTime(), nullable=False),
    sa.Column("image_uri", sa.String(200), nullable=False),
    sa.Column("frame_index", sa.Integer, nullable=False),
    sa.Column("mm_per_px", sa.Float, nullable=False),
    sa.Column("label", sa.String(32), nullable=False),
    sa.Index("ix_parts_station_inspected", "station_id", "inspected_at"),
)

defects = sa.Table(
    "defects", metadata,
    sa.Column("defect_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("part_id", sa.String(32), sa.ForeignKey("parts.part_id"), nullable=False),
    sa.Column("defect_type", sa.String(32), nullable=False),
    sa.Column("size_mm", sa.Float, nullable=True),
    sa.Column("area_mm2", sa.Float, nullable=True),
    sa.Index("ix_defects_part", "part_id"),
)

decisions = sa.Table(
    "decisions", metadata,
    sa.Column("part_id", sa.String(32), sa.ForeignKey("parts.part_id"), primary_key=True),
    sa.Column("verdict", sa.String(8), nullable=False),
    sa.Column("decided_at", UTCDateTime(), nullable=False),
    sa.Column("inspector", sa.String(32), nullable=False),
    sa.Column("contrast_sigma", sa.Float, nullable=True),
    sa.CheckConstraint("verdict IN ('pass', 'reject')", name="ck_decisions_verdict"),
)


def connect(url: str = "sqlite://", **kwargs) -> sa.Engine:
    """An engine for `url` (SQLite in memory by default); SQLite checks foreign keys too."""
    engine = sa.create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        @sa.event.listens_for(engine, "connect")
        def _foreign_keys(dbapi_connection, _record):
            dbapi_connection.execute("PRAGMA foreign_keys = ON")
    return engine


def run(engine_or_connection, sql, **params) -> list[tuple]:
    """Rows of one query (SQL text or a Core statement) as plain tuples."""
    statement = sa.text(sql) if isinstance(sql, str) else sql
    if isinstance(engine_or_connection, sa.Engine):
        with engine_or_connection.connect() as connection:
            return [tuple(row) for row in connection.execute(statement, params)]
    return [tuple(row) for row in engine_or_connection.execute(statement, params)]
