"""Inspection data management: a schema for parts, images (by reference), defects and decisions,
Alembic migrations, loading of recorded lines, and the SQL of the line's reports.

The same code runs on SQLite (embedded, the default: a file or memory) and on PostgreSQL: the
schema and queries are SQLAlchemy Core and portable SQL; only the local-time expression of the
shift reports differs by engine (`queries.shift_sql`).

    engine = connect("sqlite:///line.db")   # or "postgresql+psycopg://user@host/db"
    upgrade(engine)                          # Alembic: the schema at its newest revision
    load_parts(engine, records_from_frames(frames, "replay://backboard/evaluation"))
    rows = run(engine, queries.yield_by_line())
"""

from inspection_db.load import (
    PLANT_ZONE,
    STATIONS,
    decide,
    load_parts,
    records_from_frames,
    resample_history,
    shift_of,
)
from inspection_db.migrate import current_revision, downgrade, upgrade
from inspection_db.schema import connect, metadata, run

__all__ = [
    "PLANT_ZONE", "STATIONS", "connect", "current_revision", "decide", "downgrade", "load_parts",
    "metadata", "records_from_frames", "resample_history", "run", "shift_of", "upgrade",
]
