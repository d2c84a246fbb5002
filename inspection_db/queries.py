"""The line's reports in SQL that SQLite and PostgreSQL answer alike.

Portable SQL throughout (CASE, LEFT JOIN, window functions, CAST AS DOUBLE PRECISION); only the
local time of the shift reports differs by engine (`shift_sql`). Every ORDER BY is total (ties
broken by a key), so both engines list rows in the same order.
"""

from __future__ import annotations

import itertools
from datetime import datetime

import sqlalchemy as sa

from inspection_db.load import DAY_SHIFT_START_H, PLANT_ZONE, fixed_utc_offset_h
from inspection_db.schema import UTCDateTime

_PLANS = itertools.count()

# first-pass yield: passed / decided; parts waiting for review are counted apart, not as good
YIELD_BY_LINE = """
SELECT p.line,
       COUNT(*) AS parts,
       COUNT(d.part_id) AS decided,
       SUM(CASE WHEN d.verdict = 'pass' THEN 1 ELSE 0 END) AS passed,
       CAST(SUM(CASE WHEN d.verdict = 'pass' THEN 1 ELSE 0 END) AS DOUBLE PRECISION)
           / NULLIF(COUNT(d.part_id), 0) AS first_pass_yield
FROM parts p LEFT JOIN decisions d ON d.part_id = p.part_id
GROUP BY p.line
ORDER BY p.line
"""

# defect Pareto: counts by type, most frequent first, the cumulative share, the mean area of the
# defects whose area was measured (AVG skips NULLs) and how many those are
PARETO = """
WITH by_type AS (
    SELECT defect_type, COUNT(*) AS defects, COUNT(area_mm2) AS measured,
           AVG(area_mm2) AS mean_area_mm2
    FROM defects
    GROUP BY defect_type
)
SELECT defect_type, defects, measured, mean_area_mm2,
       CAST(SUM(defects) OVER (ORDER BY defects DESC, defect_type
                               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
            AS DOUBLE PRECISION) / SUM(defects) OVER () AS cumulative_share
FROM by_type
ORDER BY defects DESC, defect_type
"""

BY_STATION_SHIFT = """
SELECT p.station_id, {shift_day} AS shift_day, {shift} AS shift,
       COUNT(*) AS parts,
       COUNT(d.part_id) AS decided,
       SUM(CASE WHEN d.verdict = 'pass' THEN 1 ELSE 0 END) AS passed,
       SUM(CASE WHEN d.verdict = 'pass' AND p.label <> 'good' THEN 1 ELSE 0 END) AS escapes
FROM parts p LEFT JOIN decisions d ON d.part_id = p.part_id
GROUP BY p.station_id, {shift_day}, {shift}
ORDER BY shift_day, shift, p.station_id
"""

# the slow query of a long history: one station's parts since an instant
STATION_SINCE = """
SELECT p.part_id, p.inspected_at, d.verdict
FROM parts p LEFT JOIN decisions d ON d.part_id = p.part_id
WHERE p.station_id = :station AND p.inspected_at >= :since
ORDER BY p.inspected_at, p.part_id
"""


def shift_sql(dialect: str, column: str = "p.inspected_at", zone: str = PLANT_ZONE) -> dict:
    """SQL for the shift day and the shift ('day', 'night') of a UTC time column.

    The time is moved back by the day shift's start (08:00), so a night shift (20:00-08:00)
    falls on the day it starts. PostgreSQL converts with its time-zone database; SQLite has
    none, so it adds the zone's fixed offset (refused for a zone with daylight saving time).
    """
    if dialect == "postgresql":
        shifted = f"(({column}) AT TIME ZONE '{zone}' - INTERVAL '{DAY_SHIFT_START_H} hours')"
        hour = f"EXTRACT(HOUR FROM {shifted})"
        day = f"to_char({shifted}, 'YYYY-MM-DD')"
    elif dialect == "sqlite":
        hours = fixed_utc_offset_h(zone) - DAY_SHIFT_START_H
        # whole seconds first: SQLite rounds to milliseconds, so 07:59:59.9999 would be 08:00
        shifted = f"datetime(substr({column}, 1, 19), '{hours:+g} hours')"
        hour = f"CAST(strftime('%H', {shifted}) AS INTEGER)"
        day = f"date({shifted})"
    else:
        raise ValueError(f"no local-time expression for {dialect!r}: sqlite or postgresql")
    return {"shift_day": day, "shift": f"(CASE WHEN {hour} < 12 THEN 'day' ELSE 'night' END)"}


def yield_by_line():
    return sa.text(YIELD_BY_LINE)


def pareto():
    return sa.text(PARETO)


def by_station_shift(dialect: str):
    return sa.text(BY_STATION_SHIFT.format(**shift_sql(dialect)))


def station_since():
    """The slow query, its instant bound as UTC on every engine."""
    return (sa.text(STATION_SINCE)
            .bindparams(sa.bindparam("since", type_=UTCDateTime()))
            .columns(part_id=sa.String, inspected_at=UTCDateTime, verdict=sa.String))


def query_plan(engine: sa.Engine, sql: str, **params) -> list[str]:
    """The engine's plan of a query: EXPLAIN QUERY PLAN (SQLite) or EXPLAIN (PostgreSQL).

    Datetime parameters are bound as UTC instants, as `station_since` binds them."""
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    binds = [sa.bindparam(name, type_=UTCDateTime()) for name, value in params.items()
             if isinstance(value, datetime)]
    # the driver keeps prepared statements by their text, with their plan: a new text each time
    # so that a plan asked again after a migration is made afresh
    fresh = f"{prefix}{sql.rstrip()}\n-- plan {next(_PLANS)}"
    with engine.connect() as connection:
        rows = connection.execute(sa.text(fresh).bindparams(*binds), params).all()
    return [row[-1] for row in rows]
